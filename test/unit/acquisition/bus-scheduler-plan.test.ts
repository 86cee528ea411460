import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pino } from 'pino';
import sinon from 'sinon';
import type { ModbusDeviceConfig, ModbusPointConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { BusScheduler } from '../../../gateway/src/acquisition/modbus/bus-scheduler.js';
import { PollQueue } from '../../../gateway/src/acquisition/modbus/poll-queue.js';
import { ModbusConnection } from '../../../gateway/src/transports/modbus-connection.js';
import type { ModbusClient } from '../../../gateway/src/transports/modbus-serial.js';
import { assertSameAsScan } from '../../support/bus-plan-reference.js';
import { loadTestSite, type TestSite } from '../../support/modbus-site.js';

/** One answer of a fake unit: after `delayMs`, a value, or a failure of some kind. */
interface Outcome {
  readonly delayMs: number;
  readonly fail: 'none' | 'timeout' | 'exception' | 'busy' | 'io';
}

const outcome: fc.Arbitrary<Outcome> = fc.record({
  delayMs: fc.nat(40),
  fail: fc.constantFrom(...(['none', 'none', 'none', 'none', 'none', 'timeout', 'timeout', 'exception', 'busy', 'io'] as const)),
});

const scenario = fc.record({
  units: fc.array(
    fc.record({
      outcomes: fc.array(outcome, { minLength: 1, maxLength: 12 }),
      retries: fc.nat(2),
      failureThreshold: fc.integer({ min: 1, max: 3 }),
      fastMs: fc.constantFrom(100, 200, 300),
    }),
    { minLength: 2, maxLength: 5 },
  ),
  maxInFlight: fc.constantFrom(1, 1, 3),
  writeAtMs: fc.option(fc.integer({ min: 100, max: 3000 })),
});

/**
 * The scheduler on a fake connection (sinon stubs, fake time) whose units
 * answer, time out, refuse, stay busy or drop the link as a random scenario
 * says; at every planning of a request the poll queue is checked against the
 * plain scan of every idle job, and the decision against the planning it
 * replaced (poll-queue.test.ts).
 */
describe('bus scheduler planning (queue against the plain scan, randomized)', () => {
  let site: TestSite;

  before(async () => {
    site = await loadTestSite(
      Array.from({ length: 5 }, (_, i) => ({
        id: `u${i}`,
        profile: 'test-meter',
        modbus: { host: '10.0.0.1', port: 502, unitId: i + 1, timeoutMs: 150 },
        pollIntervalMs: 500,
        acquisition: { backoff: { baseMs: 30, maxMs: 60 }, circuitBreaker: { failureThreshold: 2, openMs: 400 } },
      })),
    );
  });

  after(() => site.cleanup());

  it('plans every request from exactly what a scan of every job would give', async () => {
    let plans = 0;
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const clock = sinon.useFakeTimers({ now: 1_000_000 });
        const failures: unknown[] = [];
        const ready = PollQueue.prototype.ready;
        sinon.replace(PollQueue.prototype, 'ready', function (this: PollQueue, now: number) {
          const got = ready.call(this, now);
          try {
            assertSameAsScan(this, now, got);
            plans += 1;
            for (const c of got) kinds.add(c.kind);
          } catch (e) {
            failures.push(e);
          }
          return got;
        });
        stubConnection(s.units, s.maxInFlight);
        const devices = (site.config.devices as ModbusDeviceConfig[]).slice(0, s.units.length).map((d, i) => {
          const u = s.units[i] as (typeof s.units)[number];
          const acquisition = {
            ...d.acquisition,
            retries: u.retries,
            circuitBreaker: { ...d.acquisition.circuitBreaker, failureThreshold: u.failureThreshold },
            pollGroups: [{ intervalMs: u.fastMs, points: ['r0'] }],
          };
          return { ...d, acquisition };
        });
        const bus = new BusScheduler(devices, systemClock, pino({ level: 'silent' }));
        try {
          bus.start();
          if (s.writeAtMs !== null) {
            await clock.tickAsync(s.writeAtMs);
            const sp = devices[0]?.points.find((p) => p.id === 'sp') as ModbusPointConfig;
            bus.write('u0', sp, 7).catch(() => undefined);
          }
          await clock.tickAsync(4000);
          const stopping = bus.stop();
          await clock.tickAsync(1000);
          await stopping;
        } finally {
          clock.restore();
          sinon.restore();
        }
        assert.deepEqual(failures, []);
      }),
      { numRuns: 40 },
    );
    assert.ok(plans > 1000, `${plans} plans checked`);
    assert.deepEqual([...kinds].sort(), ['poll', 'probe', 'retry'], 'every kind of candidate was planned');
  });
});

/** Unit n (1-based) answers as its outcomes say, in turn; a write is held so its read-back matches. */
function stubConnection(units: readonly { readonly outcomes: readonly Outcome[] }[], maxInFlight: number): void {
  let open = false;
  const turns = new Map<number, number>();
  const held = new Map<number, number>();
  sinon.stub(ModbusConnection.prototype, 'isOpen').get(() => open);
  sinon.stub(ModbusConnection.prototype, 'maxInFlight').get(() => maxInFlight);
  sinon.stub(ModbusConnection.prototype, 'open').callsFake(async () => {
    open = true;
  });
  sinon.stub(ModbusConnection.prototype, 'close').callsFake(async () => {
    open = false;
  });
  sinon.stub(ModbusConnection.prototype, 'transact').callsFake(async (unit, timeoutMs, exchange) => {
    const outcomes = units[unit - 1]?.outcomes ?? [];
    const turn = turns.get(unit) ?? 0;
    turns.set(unit, turn + 1);
    const o = outcomes[turn % outcomes.length] as Outcome;
    const answer = <T>(value: T) =>
      new Promise<T>((resolve, reject) => {
        if (o.fail === 'timeout' || o.delayMs > timeoutMs) {
          setTimeout(() => reject(Object.assign(new Error('Timed out'), { errno: 'ETIMEDOUT' })), timeoutMs);
          return;
        }
        const failure: Record<Exclude<Outcome['fail'], 'none' | 'timeout'>, Error> = {
          exception: Object.assign(new Error('Illegal data address'), { modbusCode: 2 }),
          busy: Object.assign(new Error('Server device busy'), { modbusCode: 6 }),
          io: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        };
        const fail = o.fail;
        setTimeout(() => (fail === 'none' ? resolve(value) : reject(failure[fail])), o.delayMs);
      });
    const regs = (a: number, n: number) => ({ data: Array.from({ length: n }, (_, i) => held.get(a + i) ?? a + i) });
    const client = {
      readHoldingRegisters: (a: number, n: number) => answer(regs(a, n)),
      readCoils: (_a: number, n: number) => answer({ data: new Array<boolean>(n).fill(false) }),
      writeRegister: (a: number, v: number) => {
        held.set(a, v);
        return answer({ address: a, value: v });
      },
    } as unknown as ModbusClient;
    return exchange(client);
  });
}
