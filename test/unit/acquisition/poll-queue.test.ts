import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ModbusDeviceConfig } from '../../../core/src/index.js';
import { type PollJob, pollJobsOf } from '../../../gateway/src/acquisition/modbus/bus-jobs.js';
import type { BreakerState } from '../../../gateway/src/acquisition/modbus/circuit-breaker.js';
import { ModbusDeviceState } from '../../../gateway/src/acquisition/modbus/modbus-device-state.js';
import { PollQueue } from '../../../gateway/src/acquisition/modbus/poll-queue.js';
import { assertSameAsScan } from '../../support/bus-plan-reference.js';
import { loadTestSite, type TestSite } from '../../support/modbus-site.js';

const T0 = 1_000_000;

type Step =
  | { readonly kind: 'tick'; readonly ms: number }
  | { readonly kind: 'take' | 'release'; readonly unit: number }
  | { readonly kind: 'late'; readonly unit: number; readonly quantity: number; readonly rttMs: number }
  | { readonly kind: 'change'; readonly unit: number; readonly change: UnitChange };

interface UnitChange {
  readonly jobs: readonly {
    readonly due: number;
    readonly progress: { readonly index: number; readonly resume: number } | null;
    readonly attempt: number;
    readonly fullRetry: boolean;
  }[];
  readonly hold: number;
  readonly breaker: 'closed' | 'open' | 'half-open';
  readonly openFor: number;
  readonly openMs: number;
  readonly busMs: number;
}

const UNITS = 4;
const unit = fc.nat(UNITS - 1);
const change: fc.Arbitrary<UnitChange> = fc.record({
  jobs: fc.array(
    fc.record({
      due: fc.integer({ min: -600, max: 1500 }),
      progress: fc.option(fc.record({ index: fc.nat(3), resume: fc.integer({ min: -100, max: 400 }) })),
      attempt: fc.nat(2),
      fullRetry: fc.boolean(),
    }),
    { minLength: 2, maxLength: 2 },
  ),
  hold: fc.integer({ min: -200, max: 400 }),
  breaker: fc.constantFrom('closed' as const, 'closed' as const, 'open' as const, 'half-open' as const),
  openFor: fc.integer({ min: -3000, max: 3000 }),
  openMs: fc.integer({ min: 100, max: 8000 }),
  busMs: fc.nat(300),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -50, max: 0 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('take' as const, 'release' as const), unit }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('late' as const), unit, quantity: fc.integer({ min: 1, max: 20 }), rttMs: fc.nat(300) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('change' as const), unit, change }) },
);

/** A request's effects on its unit's jobs and state, as the scheduler's would be, made while the unit is taken. */
function apply(jobs: readonly PollJob[], state: ModbusDeviceState, c: UnitChange, now: number): void {
  jobs.forEach((job, i) => {
    const j = c.jobs[i % c.jobs.length] as UnitChange['jobs'][number];
    job.nextDue = now + j.due;
    job.progress = j.progress
      ? { index: j.progress.index % job.group.blocks.length, readings: [], impaired: false, resumeAt: now + j.progress.resume }
      : undefined;
    job.attempt = j.attempt;
    job.fullRetry = j.fullRetry;
  });
  state.holdUntil = c.hold < 0 ? 0 : now + c.hold;
  const breakers: Record<UnitChange['breaker'], BreakerState> = {
    closed: { kind: 'closed', failures: 1 },
    open: { kind: 'open', until: now + c.openFor, openMs: c.openMs },
    'half-open': { kind: 'half-open', openMs: c.openMs },
  };
  state.breaker = breakers[c.breaker];
  state.chargeBus(now, c.busMs);
}

describe('poll queue (ready-time heaps instead of a scan of every job)', () => {
  let site: TestSite;

  before(async () => {
    site = await loadTestSite(
      Array.from({ length: UNITS }, (_, i) => ({
        id: `u${i}`,
        profile: 'test-meter',
        modbus: { host: '10.0.0.1', port: 502, unitId: i + 1, timeoutMs: 200 + 100 * i },
        pollIntervalMs: 500,
        acquisition: { pollGroups: [{ intervalMs: 100 * (i + 1), points: ['r0'] }] },
      })),
    );
  });

  after(() => site.cleanup());

  it('gives the same ready candidates, pending summary and decision as the scan, whatever the units’ states', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const states = (site.config.devices as ModbusDeviceConfig[]).map((d) => new ModbusDeviceState(d, 'bus'));
        const jobs = pollJobsOf(states);
        let now = T0;
        jobs.forEach((job, i) => {
          job.nextDue = now + i * 37;
        });
        const queue = new PollQueue(jobs);
        queue.requeueAll();
        const taken = new Map<ModbusDeviceState, number>();
        assertSameAsScan(queue, now);
        for (const s of steps) {
          if (s.kind === 'tick') now += s.ms;
          else {
            const state = states[s.unit] as ModbusDeviceState;
            const n = taken.get(state) ?? 0;
            if (s.kind === 'take') {
              queue.take(state);
              taken.set(state, n + 1);
            } else if (s.kind === 'release' && n > 0) {
              queue.release(state);
              taken.set(state, n - 1);
            } else if (s.kind === 'late') state.timer.observe(s.quantity, s.rttMs);
            else if (s.kind === 'change' && n > 0) {
              apply(
                jobs.filter((j) => j.state === state),
                state,
                s.change,
                now,
              );
            }
          }
          assertSameAsScan(queue, now);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a unit out while any of its requests is outstanding (a poll and a write beside it)', () => {
    const states = (site.config.devices as ModbusDeviceConfig[]).map((d) => new ModbusDeviceState(d, 'bus'));
    const jobs = pollJobsOf(states);
    for (const job of jobs) job.nextDue = T0;
    const queue = new PollQueue(jobs);
    queue.requeueAll();
    const first = states[0] as ModbusDeviceState;
    queue.take(first);
    queue.take(first);
    queue.release(first);
    assert.equal(queue.isBusy(first), true);
    assert.ok(queue.ready(T0).every((c) => c.job.state !== first));
    queue.release(first);
    assert.equal(queue.isBusy(first), false);
    assert.equal(queue.ready(T0).filter((c) => c.job.state === first).length, 2);
  });
});
