import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ModbusDeviceConfig } from '../../core/src/index.js';
import { systemClock } from '../../core/src/time/clock.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { readBlock } from '../../gateway/src/acquisition/modbus/modbus-io.js';
import { ModbusConnection } from '../../gateway/src/transports/modbus-connection.js';
import { loadTestSite, type TestSite } from '../support/modbus-site.js';
import { requireBinary } from '../support/services.js';

/** A 100-register read: a 205-byte answer, 235 ms on a 9,600-baud line — given up at CUT_MS, while it is still arriving. */
const REGISTERS = 100;
const CUT_MS = 150;

/**
 * RTU frames carry no transaction id, and modbus-serial's RTU ports take any
 * buffered frame of the expected unit and function as the answer: a late
 * answer to a request cut short must be drained and dropped before the next
 * request, or it is read as that request's answer (docs/acquisition.md).
 */
describe('RTU: a late answer to a request cut short is dropped, not taken as the next answer', function () {
  this.timeout(30_000);
  let site: TestSite | undefined;
  let sim: FirmwareSimulator | undefined;
  let connection: ModbusConnection | undefined;

  afterEach(async () => {
    await connection?.close();
    await sim?.stop();
    await site?.cleanup();
    connection = undefined;
    sim = undefined;
    site = undefined;
  });

  async function serve(modbus: Record<string, unknown>): Promise<ModbusConnection> {
    site = await loadTestSite([{ id: 'meter', profile: 'test-meter', modbus: { unitId: 5, timeoutMs: 2000, ...modbus } }]);
    sim = new FirmwareSimulator(site.config, pino({ level: 'silent' }));
    await sim.start('127.0.0.1', 0);
    sim.devices.get('meter')?.setValue('r0', 500);
    sim.devices.get('meter')?.setValue('r1', 501);
    connection = new ModbusConnection((site.config.devices[0] as ModbusDeviceConfig).modbus, systemClock);
    await connection.open();
    return connection;
  }

  /** The first word of the read after a cut-short one: same unit, function and length, so an RTU port takes either answer. */
  async function cutThenRead(c: ModbusConnection): Promise<number | undefined> {
    const read = (address: number, timeoutMs: number) =>
      c.transact(5, timeoutMs, (client) => readBlock(client, { table: 'holding', address, length: REGISTERS }));
    await assert.rejects(read(0, CUT_MS), (e: { message?: string }) => e.message === 'Timed out');
    const [first] = await read(1, 2000);
    return first;
  }

  it('on a 9,600-baud serial line (socat pty, the simulator with wire time): drained until the line is quiet', async function () {
    requireBinary(this, '/usr/bin/socat', 'socat');
    const c = await serve({ serialPort: join(tmpdir(), `lifeline-drain-${process.pid}-${Date.now()}`), baudRate: 9600 });
    // Without the drain the next request goes while the late answer (r0 first, 500) is still arriving, and takes it.
    // Under load the simulator may see the request so late that its answer starts after the drain: that try proves nothing.
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = c.lateBytesDropped;
      const value = await cutThenRead(c);
      if (c.lateBytesDropped === before) continue;
      assert.equal(value, 501);
      return;
    }
    // The timing could not be made on this machine in 8 tries (seen in clean CI clones): inconclusive, not a pass.
    // test/unit/acquisition/line-silence.test.ts holds the drain's decisions on a fake clock either way.
    process.stdout.write('      rtu-drain: no late answer caught in 8 tries; skipped as inconclusive\n');
    this.skip();
  });
});
