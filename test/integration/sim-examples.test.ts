import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataType, StatusCodes } from 'node-opcua';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { opcuaDataType } from '../../firmware-sim/src/opcua/opcua-variables.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { readValue, resolveBrowsePath, withOpcuaSession } from '../fixtures/sim/opcua-client.js';
import { pymodbusRead } from '../fixtures/sim/probe.js';
import { rebind } from '../fixtures/sim/rebind.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { MBPOLL, requireBinary, requirePythonModule } from '../support/services.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const KINDS = [
  'substation',
  'gas-station',
  'water-pumping-station',
  'heat-exchange-station',
  'residential-elevator-bank',
  'fire-panel-room',
  'high-rise-residential',
];

function close(actual: unknown, expected: number | boolean, what: string): void {
  if (typeof expected === 'boolean') {
    assert.equal(actual, expected, what);
    return;
  }
  assert.equal(typeof actual, 'number', `${what}: got ${JSON.stringify(actual)}`);
  // float32 on the wire keeps ~7 significant digits.
  assert.ok(Math.abs((actual as number) - expected) <= Math.max(1e-6, Math.abs(expected) * 1e-6), `${what}: ${actual} ≠ ${expected}`);
}

/** Every example site is served by the simulator and read back, every point, by a client we did not write. */
describe('example sites served by the firmware simulator', function () {
  this.timeout(60_000);

  it('has one example per site kind', async () => {
    const dirs = (await readdir(EXAMPLES)).filter((d) => d !== 'demo').sort();
    assert.deepEqual(dirs, [...KINDS].sort());
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      let sim: FirmwareSimulator | undefined;
      let tmp: string;
      afterEach(async () => {
        await sim?.stop();
        sim = undefined;
        await rm(tmp, { recursive: true, force: true });
      });

      it('serves every device; pymodbus or a node-opcua client reads every point as the profile says', async function () {
        const python = requirePythonModule(this, 'pymodbus', 'python3-pymodbus');
        requireBinary(this, '/usr/bin/socat', 'socat');
        tmp = await mkdtemp(join(tmpdir(), `lifeline-${kind}-`));
        const site = rebind(await loadSiteConfig(join(EXAMPLES, kind, 'site.yaml')), tmp);
        sim = new FirmwareSimulator(site, pino({ level: 'silent' }));
        const endpoints = await sim.start();
        assert.equal(endpoints.served.size, site.devices.length, 'every device is served');
        for (const device of sim.devices.values()) {
          // Freeze every point at its current value so noise cannot move it between read and compare.
          for (const p of device.points) sim.setManual(device, p.id, device.getValue(p.id));
          const at = endpoints.served.get(device.id);
          assert.ok(at);
          if (at.kind === 'opcua') {
            await withOpcuaSession(at.endpointUrl, async (session) => {
              for (const p of device.points) {
                const nodeId = await resolveBrowsePath(session, p.opcua?.browsePath ?? '');
                assert.equal(nodeId, p.opcua?.nodeId, `${p.id}: browse path and node id name one variable`);
                const dv = await readValue(session, nodeId);
                assert.equal(dv.statusCode.value, StatusCodes.Good.value, `${p.id} status`);
                assert.ok(dv.sourceTimestamp instanceof Date, `${p.id} has a source timestamp`);
                assert.equal(dv.value.dataType, DataType[opcuaDataType(p)], `${p.id} data type`);
                close(dv.value.value, device.getValue(p.id), `${device.id} ${p.id}`);
              }
            });
          } else {
            // A pseudo-terminal carries bytes without parity bits, and Linux refuses PARENB on it: the client opens it 8N1.
            const read = await pymodbusRead(python, at, device.unitId, device.points, { parity: 'none' });
            for (const p of device.points) close(read[p.id], device.getValue(p.id), `${device.id} ${p.id} over ${at.kind}`);
          }
        }
      });
    });
  }

  it('mbpoll (libmodbus) reads the pumping station over its RS-485 pseudo-terminal line', async function () {
    requireBinary(this, MBPOLL, 'mbpoll');
    requireBinary(this, '/usr/bin/socat', 'socat');
    const tmp = await mkdtemp(join(tmpdir(), 'lifeline-rtu-'));
    const sim = new FirmwareSimulator(
      rebind(await loadSiteConfig(join(EXAMPLES, 'water-pumping-station/site.yaml')), tmp),
      pino({ level: 'silent' }),
    );
    try {
      const endpoints = await sim.start();
      const at = endpoints.served.get('ws-pump-2');
      assert.ok(at?.kind === 'modbus-rtu');
      const device = sim.devices.get('ws-pump-2');
      assert.ok(device);
      for (const p of device.points) sim.setManual(device, p.id, device.getValue(p.id));
      const { stdout } = await promisify(execFile)(MBPOLL, [
        '-m',
        'rtu',
        '-b',
        '9600',
        '-P',
        'none',
        '-a',
        '2',
        '-r',
        '1',
        '-c',
        '6',
        '-t',
        '3',
        '-1',
        at.serialPort,
      ]);
      const words = [...stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)].map((m) => Number(m[2]) & 0xffff);
      assert.deepEqual(words, device.read('input', 0, 6));
    } finally {
      await sim.stop();
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
