import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { pymodbusRead } from '../fixtures/sim/probe.js';
import { FIXTURES } from '../support/fixtures.js';
import { MBPOLL, requireBinary, requirePythonModule } from '../support/services.js';

const run = promisify(execFile);

/** The simulator read by Modbus clients we did not write: mbpoll (C, libmodbus) and pymodbus. */
describe('firmware simulator interop with independent Modbus clients', () => {
  let sim: FirmwareSimulator;
  let port: number;

  before(async () => {
    sim = new FirmwareSimulator(await loadSiteConfig(join(FIXTURES, 'gas-site.yaml')), pino({ level: 'silent' }));
    const endpoints = await sim.start('127.0.0.1', 0);
    port = endpoints.devices.get('gas-1')?.port ?? 0;
    const device = sim.devices.get('gas-1');
    device?.setValue('lel1', 25.3);
    device?.setValue('lel4', 99.9);
    device?.setValue('fault', true);
    device?.setValue('fan-start', true);
  });
  after(() => sim?.stop());

  it('mbpoll reads the %LEL registers and the status word', async function () {
    requireBinary(this, MBPOLL, 'mbpoll');
    // -r is the 1-based reference: holding 0…16 are references 1…17.
    const { stdout } = await run(MBPOLL, ['-m', 'tcp', '-a', '1', '-r', '1', '-c', '17', '-t', '4', '-p', String(port), '-1', '127.0.0.1']);
    const values = Object.fromEntries([...stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)].map((m) => [Number(m[1]), Number(m[2])]));
    assert.equal(values[1], 253, '25.3 %LEL at 0.1 %LEL per count');
    assert.equal(values[4], 999);
    assert.equal(values[17], 4, 'fault is bit 2 of the status word');
  });

  it('mbpoll gets exception 2 outside the register map', async function () {
    requireBinary(this, MBPOLL, 'mbpoll');
    const result = await run(MBPOLL, [
      '-m',
      'tcp',
      '-a',
      '1',
      '-r',
      '200',
      '-c',
      '1',
      '-t',
      '4',
      '-p',
      String(port),
      '-1',
      '127.0.0.1',
    ]).then(
      () => assert.fail('mbpoll should have failed'),
      (e: { stderr: string; stdout: string }) => e.stderr + e.stdout,
    );
    assert.match(result, /Illegal data address/);
  });

  it('pymodbus reads registers and coils and sees the same exception', async function () {
    const python = requirePythonModule(this, 'pymodbus', 'python3-pymodbus');
    const script = `
import json
from pymodbus.client import ModbusTcpClient
c = ModbusTcpClient('127.0.0.1', port=${port})
assert c.connect()
regs = c.read_holding_registers(0, 4, slave=1).registers
coils = c.read_coils(0, 2, slave=1).bits[:2]
bad = c.read_holding_registers(300, 1, slave=1)
other_unit = c.read_holding_registers(0, 1, slave=9)
print(json.dumps({"regs": regs, "coils": coils, "bad": getattr(bad, "exception_code", None), "unit9": getattr(other_unit, "exception_code", None)}))
c.close()
`;
    const { stdout } = await run(python, ['-c', script]);
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    assert.deepEqual(result.regs, [253, 0, 0, 999]);
    assert.deepEqual(result.coils, [false, true]);
    assert.equal(result.bad, 2, 'illegal data address');
    assert.equal(result.unit9, 11, 'gateway target device failed to respond');
  });
});

/** mbpoll (libmodbus) reads the register image of every device kind; the words are what the profile encodes. */
describe('mbpoll reads every Modbus device kind', () => {
  let sim: FirmwareSimulator;
  let port: number;
  before(async () => {
    sim = new FirmwareSimulator(await loadSiteConfig(join(FIXTURES, 'sim/all-kinds.yaml')), pino({ level: 'silent' }));
    const endpoints = await sim.start('127.0.0.1', 0);
    port = endpoints.devices.get('pm-1')?.port ?? 0;
    // Freeze behaviours so the image cannot move between the read and the compare.
    for (const d of sim.devices.values()) for (const p of d.points) sim.setManual(d, p.id, d.getValue(p.id));
  });
  after(() => sim?.stop());

  const TABLE_ARG = { holding: '4', input: '3', coil: '0', discrete: '1' } as const;

  // The fire IoT kinds of issue 22, decoded point by point by pymodbus as the profile says (scale, offset, bits).
  for (const id of ['ef-1', 'fw-1']) {
    it(`${id}: pymodbus decodes every point to the simulator's value`, async function () {
      const python = requirePythonModule(this, 'pymodbus', 'python3-pymodbus');
      const device = sim.devices.get(id);
      assert.ok(device);
      const read = await pymodbusRead(
        python,
        { kind: 'modbus-tcp', host: '127.0.0.1', port, unitId: device.unitId },
        device.unitId,
        device.points,
      );
      for (const p of device.points) {
        const expected = device.getValue(p.id);
        const actual = read[p.id];
        if (typeof expected === 'boolean') assert.equal(actual, expected, `${id} ${p.id}`);
        else
          assert.ok(Math.abs((actual as number) - expected) < 1e-6 + Math.abs(expected) * 1e-6, `${id} ${p.id}: ${actual} ≠ ${expected}`);
      }
    });
  }

  for (const id of ['pm-1', 'ws-1', 'hs-1', 'gas-1', 'fp-1', 'lift-1', 'ef-1', 'fw-1']) {
    it(`${id}: every mapped register and bit`, async function () {
      requireBinary(this, MBPOLL, 'mbpoll');
      const device = sim.devices.get(id);
      assert.ok(device);
      const tables = new Set(device.points.flatMap((p) => (p.register ? [p.register.table] : [])));
      for (const table of tables) {
        const addresses = device.points.flatMap((p) =>
          p.register?.table === table
            ? [p.register.address, p.register.address + (['uint32', 'int32', 'float32'].includes(p.register.type) ? 1 : 0)]
            : [],
        );
        const first = Math.min(...addresses);
        const count = Math.max(...addresses) - first + 1;
        const { stdout }: { stdout: string } = await run(MBPOLL, [
          ...['-m', 'tcp', '-a', String(device.unitId), '-r', String(first + 1), '-c', String(count), '-t', TABLE_ARG[table]],
          ...['-p', String(port), '-1', '127.0.0.1'],
        ]);
        const words: Record<number, number> = Object.fromEntries(
          [...stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)].map((m) => [Number(m[1]) - 1, Number(m[2])]),
        );
        const expected = device.read(table, first, count);
        for (let i = 0; i < count; i++) {
          // mbpoll prints 16-bit registers as signed.
          assert.equal((words[first + i] ?? Number.NaN) & 0xffff, expected[i], `${id} ${table} ${first + i}`);
        }
      }
    });
  }
});
