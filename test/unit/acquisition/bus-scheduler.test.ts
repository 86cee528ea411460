import assert from 'node:assert/strict';
import { pino } from 'pino';
import sinon from 'sinon';
import type { ModbusDeviceConfig } from '../../../core/src/index.js';
import type { Reading } from '../../../core/src/reading.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { BusScheduler } from '../../../gateway/src/acquisition/modbus/bus-scheduler.js';
import { ModbusConnection } from '../../../gateway/src/transports/modbus-connection.js';
import type { ModbusClient } from '../../../gateway/src/transports/modbus-serial.js';
import { loadTestSite, type TestSite } from '../../support/modbus-site.js';

interface Call {
  readonly at: number;
  readonly unit: number;
  readonly op: string;
  readonly timeoutMs: number;
}

/**
 * The scheduler over a faked connection (sinon stubs, fake time): unit 9 never
 * answers (each request costs its timeout), every other unit answers in 5 ms.
 */
describe('bus scheduler (fake connection, fake time)', () => {
  let clock: sinon.SinonFakeTimers;
  let site: TestSite;
  let calls: Call[];
  /** Per unit, the answer delays (ms) of its next requests; 5 ms once used up. */
  let delays: Map<number, number[]>;
  let bus: BusScheduler | undefined;

  beforeEach(async () => {
    site = await loadTestSite([
      dev('live', 1, { pollGroups: [{ intervalMs: 100, points: ['r0'] }] }),
      dev('dead', 9, {}),
      dev('other', 2, {}),
    ]);
    clock = sinon.useFakeTimers({ now: 1_000_000 });
    calls = [];
    delays = new Map();
    const held = new Map<number, number>();
    let open = false;
    sinon.stub(ModbusConnection.prototype, 'isOpen').get(() => open);
    sinon.stub(ModbusConnection.prototype, 'open').callsFake(async () => {
      open = true;
    });
    sinon.stub(ModbusConnection.prototype, 'close').callsFake(async () => {
      open = false;
    });
    sinon.stub(ModbusConnection.prototype, 'transact').callsFake(async (unit, timeoutMs, exchange) => {
      const delay = delays.get(unit)?.shift() ?? 5;
      const client = fakeClient(unit, timeoutMs, delay, held, (op) => calls.push({ at: Date.now(), unit, op, timeoutMs }));
      return exchange(client);
    });
  });

  afterEach(async () => {
    // stop() waits for the request in flight, which finishes on fake time.
    const stopping = bus?.stop();
    await clock.tickAsync(1000);
    await stopping;
    bus = undefined;
    clock.restore();
    sinon.restore();
    await site.cleanup();
  });

  function dev(id: string, unitId: number, acquisition: Record<string, unknown>) {
    return {
      id,
      profile: 'test-meter',
      modbus: { host: '10.0.0.1', port: 502, unitId, timeoutMs: 200 },
      pollIntervalMs: 500,
      acquisition: {
        retries: 1,
        backoff: { baseMs: 50, maxMs: 50 },
        circuitBreaker: { failureThreshold: 2, openMs: 5000 },
        ...acquisition,
      },
    };
  }

  function start(): Reading[] {
    const readings: Reading[] = [];
    bus = new BusScheduler(site.config.devices as ModbusDeviceConfig[], systemClock, pino({ level: 'silent' }));
    bus.on('readings', (r) => readings.push(...r));
    bus.start();
    return readings;
  }

  it('polls each group at its own interval and keeps live units within one timeout of nominal beside a dead unit', async () => {
    start();
    await clock.tickAsync(10_000);
    const fast = calls.filter((c) => c.unit === 1 && c.op === 'read holding 0+1').map((c) => c.at);
    const periods = fast.slice(1).map((t, i) => t - (fast[i] as number));
    assert.ok(fast.length >= 80, `fast group polled ${fast.length} times in 10 s`);
    // One dead-unit timeout (200 ms) plus a few 5 ms requests of other live units due at the same time.
    assert.ok(Math.max(...periods) <= 100 + 200 + 20, `worst fast period ${Math.max(...periods)} ms`);
    const slow = calls.filter((c) => c.unit === 1 && c.op === 'read holding 1+10').length;
    assert.ok(slow >= 18 && slow <= 21, `slow group polled ${slow} times`);
    // Dead unit: 2 cycles × (1 try + 1 retry) open the breaker, then one probe per second (fast recovery), each cut to a schedule gap.
    const dead = calls.filter((c) => c.unit === 9).length;
    assert.ok(dead >= 10 && dead <= 14, `dead unit got ${dead} requests`);
    assert.equal(bus?.devices.get('dead')?.comm, 'offline');
    assert.equal(bus?.devices.get('live')?.comm, 'online');
  });

  it('probes an open-breaker unit only with timeouts cut to a schedule gap, so the live units keep their period', async () => {
    start();
    await clock.tickAsync(10_000);
    const probes = calls.filter((c) => c.unit === 9 && c.at > 1_004_000);
    assert.ok(probes.length >= 4, `${probes.length} probes after the breaker opened`);
    for (const p of probes) assert.ok(p.timeoutMs >= 10 && p.timeoutMs < 200, `probe timeout ${p.timeoutMs} ms`);
    const fast = calls.filter((c) => c.unit === 1 && c.op === 'read holding 0+1' && c.at > 1_004_000).map((c) => c.at);
    const periods = fast.slice(1).map((t, i) => t - (fast[i] as number));
    // The fast group has no priority 1–2 condition, so its deadline has 25 ms of slack a probe may use.
    assert.ok(Math.max(...periods) <= 100 + 25 + 10, `worst fast period after the breaker opened ${Math.max(...periods)} ms`);
  });

  it('retries a request cut short under the learned timeout once with the full timeout, counted as a late retry, not a failure', async () => {
    start();
    await clock.tickAsync(3000);
    const learned = bus?.devices.get('other')?.timeoutFor({ table: 'holding', length: 1 }) ?? 0;
    assert.ok(learned >= 10 && learned < 200, `learned timeout ${learned} ms`);
    const before = bus?.devices.get('other')?.snapshot().counters;
    delays.set(2, [60]);
    await clock.tickAsync(1000);
    const other = calls.filter((c) => c.unit === 2 && c.at > 1_003_000);
    const cutAt = other.findIndex((c) => c.timeoutMs < 200);
    assert.ok(cutAt >= 0, 'a cut-short request');
    assert.equal(other[cutAt + 1]?.timeoutMs, 200, 'then the same request with the full timeout');
    assert.equal(other[cutAt + 1]?.op, other[cutAt]?.op);
    const after = bus?.devices.get('other')?.snapshot();
    assert.equal(after?.counters.timeouts, before?.timeouts, 'no timeout counted');
    assert.equal((after?.counters.lateRetries ?? 0) - (before?.lateRetries ?? 0), 1, 'one late retry counted');
    assert.equal(after?.comm, 'online');
  });

  it('pipelined (maxInFlight 4): a dead unit’s outstanding requests cost the live units nothing, one request per unit at most', async () => {
    sinon.stub(ModbusConnection.prototype, 'maxInFlight').get(() => 4);
    const outstanding = new Map<number, number>();
    let most = 0;
    (ModbusConnection.prototype.transact as sinon.SinonStub).callsFake(async (unit: number, timeoutMs: number, exchange) => {
      const n = (outstanding.get(unit) ?? 0) + 1;
      outstanding.set(unit, n);
      assert.equal(n, 1, `unit ${unit} has one request outstanding at most`);
      most = Math.max(
        most,
        [...outstanding.values()].reduce((a, b) => a + b, 0),
      );
      const delay = delays.get(unit)?.shift() ?? 5;
      try {
        return await exchange(fakeClient(unit, timeoutMs, delay, new Map(), (op) => calls.push({ at: Date.now(), unit, op, timeoutMs })));
      } finally {
        outstanding.set(unit, n - 1);
      }
    });
    start();
    await clock.tickAsync(10_000);
    assert.ok(most >= 2 && most <= 3, `at most one per unit of the three, and some overlap: ${most}`);
    const fast = calls.filter((c) => c.unit === 1 && c.op === 'read holding 0+1').map((c) => c.at);
    const periods = fast.slice(1).map((t, i) => t - (fast[i] as number));
    // Only the unit's own other group (one 5 ms request) can stand in front of its fast group now, never the dead unit's timeout.
    assert.ok(Math.max(...periods) <= 100 + 5, `worst fast period ${Math.max(...periods)} ms`);
    const probes = calls.filter((c) => c.unit === 9 && c.at > 1_004_000);
    assert.ok(probes.length >= 4, `${probes.length} probes after the breaker opened`);
    // A free slot beside the probe keeps the healthy polls' slot: the probe is not cut to a gap.
    assert.ok(
      probes.every((p) => p.timeoutMs === 200),
      `probe timeouts ${probes.map((p) => p.timeoutMs).join(', ')}`,
    );
    assert.equal(bus?.devices.get('dead')?.comm, 'offline');
  });

  it('runs a write ahead of every queued poll and verifies it by reading back', async () => {
    start();
    await clock.tickAsync(1000);
    const before = calls.length;
    const written = bus?.write('other', site.config.devices[2]?.points.find((p) => p.id === 'sp') as never, 7);
    await clock.tickAsync(300);
    await written;
    const after = calls.slice(before).map((c) => `${c.unit}:${c.op}`);
    const writeAt = after.indexOf('2:write 100');
    assert.ok(writeAt >= 0 && writeAt <= 1, `write sent first (or right after the request in flight): ${after.slice(0, 4).join(', ')}`);
    assert.equal(after[writeAt + 1], '2:read holding 100+1', 'read back right after the write');
  });
});

/** A modbus-serial client stand-in: unit 9 times out, others answer after 5 ms with register i = i. */
function fakeClient(unit: number, timeoutMs: number, delay: number, held: Map<number, number>, log: (op: string) => void): ModbusClient {
  const answer = <T>(op: string, value: T): Promise<T> => {
    log(op);
    return new Promise((resolve, reject) => {
      const late = () => reject(Object.assign(new Error('Timed out'), { errno: 'ETIMEDOUT' }));
      if (unit === 9 || delay > timeoutMs) setTimeout(late, timeoutMs);
      else setTimeout(() => resolve(value), delay);
    });
  };
  const regs = (address: number, length: number) => ({ data: Array.from({ length }, (_, i) => held.get(address + i) ?? address + i) });
  return {
    readHoldingRegisters: (a: number, n: number) => answer(`read holding ${a}+${n}`, regs(a, n)),
    readCoils: (a: number, n: number) => answer(`read coil ${a}+${n}`, { data: new Array<boolean>(n).fill(false) }),
    writeRegister: (a: number, v: number) => {
      held.set(a, v);
      return answer(`write ${a}`, { address: a, value: v });
    },
  } as unknown as ModbusClient;
}
