import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { ModbusDeviceConfig } from '../../core/src/index.js';
import { systemClock } from '../../core/src/time/clock.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { readBlock } from '../../gateway/src/acquisition/modbus/modbus-io.js';
import { ModbusConnection } from '../../gateway/src/transports/modbus-connection.js';
import { AcquisitionProbe } from '../support/acquisition-probe.js';
import { loadTestSite, type TestSite } from '../support/modbus-site.js';
import { freePort } from '../support/ports.js';

/** Units 1–2 answer at once, unit 3 is slow (a delay fault), unit 4 never answers; r0, r1, r10 of unit u hold u·100 + address. */
const UNITS = { fast1: 1, fast2: 2, slow: 3, dead: 4 } as const;
const SLOW_MS = 150;

/** Modbus TCP pipelining (maxInFlight) against the simulator, which answers out of order (docs/acquisition.md). */
describe('Modbus TCP pipelining against the simulator (out-of-order answers)', function () {
  this.timeout(30_000);
  let site: TestSite | undefined;
  let sim: FirmwareSimulator | undefined;
  let probe: AcquisitionProbe | undefined;
  let connection: ModbusConnection | undefined;

  afterEach(async () => {
    await probe?.manager.stop();
    await connection?.close();
    await sim?.stop();
    await site?.cleanup();
    probe = undefined;
    connection = undefined;
    sim = undefined;
    site = undefined;
  });

  async function serve(maxInFlight: number): Promise<TestSite> {
    const port = await freePort();
    site = await loadTestSite(
      Object.entries(UNITS).map(([id, unitId]) => ({
        id,
        profile: 'test-meter',
        modbus: { host: '127.0.0.1', port, unitId, timeoutMs: 400, maxInFlight },
        pollIntervalMs: 100,
        acquisition: { retries: 1, backoff: { baseMs: 20, maxMs: 100 }, circuitBreaker: { failureThreshold: 2, openMs: 1000 } },
      })),
    );
    sim = new FirmwareSimulator(site.config, pino({ level: 'silent' }));
    await sim.start('127.0.0.1', 0);
    for (const [id, unitId] of Object.entries(UNITS))
      for (const [point, address] of [
        ['r0', 0],
        ['r1', 1],
        ['r10', 10],
      ] as const)
        sim.devices.get(id)?.setValue(point, unitId * 100 + address);
    sim.addFault({ kind: 'delay', device: 'slow', delayMs: SLOW_MS });
    sim.addFault({ kind: 'no-response', device: 'dead' });
    return site;
  }

  it('matches out-of-order answers to their requests by transaction id and drops a late answer to a request cut short', async () => {
    const s = await serve(4);
    connection = new ModbusConnection((s.config.devices[0] as ModbusDeviceConfig).modbus, systemClock);
    await connection.open();
    const c = connection;
    const done: string[] = [];
    const read = (name: string, unit: number, address: number, timeoutMs: number) =>
      c
        .transact(unit, timeoutMs, (client) => readBlock(client, { table: 'holding', address, length: 1 }))
        .then(
          ([value]) => {
            done.push(`${name}=${value}`);
            return value;
          },
          (e: Error) => {
            done.push(`${name}:${e.message.includes('Timed out') ? 'timeout' : e.message}`);
          },
        );
    // All four outstanding at once: the slow unit's answer comes last, the dead unit's never.
    const first = await Promise.all([
      read('slow', 3, 0, 1000),
      read('dead', 4, 0, 300),
      read('fast1', 1, 1, 1000),
      read('fast2', 2, 10, 1000),
    ]);
    assert.deepEqual(first, [300, undefined, 101, 210]);
    assert.deepEqual(done.slice(0, 2).sort(), ['fast1=101', 'fast2=210'], `answered out of order: ${done.join(', ')}`);
    assert.deepEqual(done.slice(2), ['slow=300', 'dead:timeout']);

    // Cut short: the slow unit's answer to r0 comes after its request was given up and a read of r10 went out.
    done.length = 0;
    await read('cut', 3, 0, 50);
    const again = await read('r10', 3, 10, 1000);
    assert.deepEqual(done, ['cut:timeout', 'r10=310']);
    assert.equal(again, 310, 'the late answer (300) was dropped, not taken as the answer to the next request');
  });

  it('keeps up to maxInFlight requests outstanding: a slow and a dead unit cost the others nothing, every reading right', async () => {
    const s = await serve(4);
    probe = new AcquisitionProbe(s.config);
    probe.manager.start();
    const p = probe;
    await p.until(() => p.health('dead').comm === 'offline', 8000, 'the dead unit offline');
    const before = p.health('fast1').counters.requests;
    const slowBefore = p.health('slow').counters.requests;
    await p.until(() => p.health('slow').counters.requests >= slowBefore + 8, 8000, 'eight reads of the slow unit');
    for (const id of ['fast1', 'fast2', 'slow'] as const) {
      const unit = UNITS[id];
      const readings = p.readings.filter((r) => r.device === id && r.quality === 'good');
      assert.ok(readings.length > 0, `${id} read`);
      for (const r of readings) {
        const address = r.point === 'r10' ? 10 : r.point === 'r1' ? 1 : r.point === 'r0' ? 0 : undefined;
        if (address !== undefined) assert.equal(r.value, unit * 100 + address, `${id} ${r.point}: an answer landed on its own request`);
      }
      assert.equal(p.health(id).comm, 'online', id);
    }
    const fast = p.health('fast1').counters;
    assert.equal(fast.timeouts, 0);
    // One request outstanding per unit: while the slow unit answers one request, a fast unit is read again and again.
    const fastReads = fast.requests - before;
    const slowReads = p.health('slow').counters.requests - slowBefore;
    assert.ok(fastReads > slowReads, `fast unit read ${fastReads} times while the slow unit was read ${slowReads} times`);
    assert.ok(p.readings.filter((r) => r.device === 'dead').every((r) => r.quality === 'bad'));
  });
});
