import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type LimitRule, type LimitState, NORMAL, stepLimit } from '../../../core/src/alarms/limit-condition.js';

/**
 * Properties of the condition machine (ISA-18.2 §11.5 deadband and delay
 * filtering), driven the way the engine drives it: samples at increasing
 * times, and the scheduled tick delivered when it falls due.
 */
interface Run {
  raises: number;
  clears: number;
}

function drive(rule: LimitRule, start: LimitState, samples: readonly { value: number; gapMs: number }[], tailMs = 0): Run {
  let state = start;
  let due: number | undefined;
  let now = 0;
  const run: Run = { raises: 0, clears: 0 };
  const step = (input: Parameters<typeof stepLimit>[2]) => {
    const s = stepLimit(rule, state, input);
    state = s.state;
    for (const e of s.effects) {
      if (e.kind === 'schedule') due = e.at;
      if (e.kind === 'cancel') due = undefined;
      if (e.kind === 'raise') run.raises++;
      if (e.kind === 'clear') run.clears++;
    }
  };
  const advance = (to: number) => {
    if (due !== undefined && due <= to) {
      const at = due;
      due = undefined;
      step({ kind: 'tick', at });
    }
    now = to;
  };
  for (const s of samples) {
    advance(now + s.gapMs);
    step({ kind: 'sample', value: s.value, at: now });
  }
  advance(now + tailMs);
  return run;
}

const setPoint = fc.double({ min: -1000, max: 1000, noNaN: true });
const band = fc.double({ min: 0.01, max: 50, noNaN: true });
const delay = fc.integer({ min: 0, max: 10_000 });
const high = fc.constantFrom<'hi' | 'hihi'>('hi', 'hihi');
const gap = fc.integer({ min: 1, max: 2000 });

describe('condition machine properties (fast-check)', () => {
  it('a value oscillating inside the hysteresis band never chatters', () => {
    fc.assert(
      fc.property(
        high,
        setPoint,
        band,
        delay,
        delay,
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), gap), { minLength: 1, maxLength: 200 }),
        (condition, value, hysteresis, onDelayMs, offDelayMs, walk) => {
          const rule: LimitRule = { condition, value, hysteresis, onDelayMs, offDelayMs };
          // Strictly inside [value − hysteresis, value): neither beyond nor returned.
          const samples = walk.map(([f, gapMs]) => ({ value: value - hysteresis + f * hysteresis * 0.999 + hysteresis * 0.0005, gapMs }));
          const inside = samples.filter((s) => s.value < value && s.value >= value - hysteresis);
          fc.pre(inside.length === samples.length);
          for (const start of [NORMAL, { kind: 'active' } as const]) {
            const run = drive(rule, start, samples, 20_000);
            assert.equal(run.raises + run.clears, 0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a value beyond a limit for longer than the on-delay raises exactly once', () => {
    fc.assert(
      fc.property(
        high,
        setPoint,
        band,
        delay,
        fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), gap), { minLength: 1, maxLength: 100 }),
        fc.integer({ min: 1, max: 5000 }),
        (condition, value, hysteresis, onDelayMs, walk, extra) => {
          const rule: LimitRule = { condition, value, hysteresis, onDelayMs, offDelayMs: 0 };
          const samples = walk.map(([above, gapMs], i) => ({ value: value + above, gapMs: i === 0 ? 1 : gapMs }));
          const run = drive(rule, NORMAL, samples, onDelayMs + extra);
          assert.equal(run.raises, 1);
          assert.equal(run.clears, 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a value back within limit − hysteresis for longer than the off-delay clears exactly once', () => {
    fc.assert(
      fc.property(
        high,
        setPoint,
        band,
        delay,
        fc.array(fc.tuple(fc.double({ min: 0.001, max: 100, noNaN: true }), gap), { minLength: 1, maxLength: 100 }),
        fc.integer({ min: 1, max: 5000 }),
        (condition, value, hysteresis, offDelayMs, walk, extra) => {
          const rule: LimitRule = { condition, value, hysteresis, onDelayMs: 0, offDelayMs };
          const samples = walk.map(([below, gapMs]) => ({ value: value - hysteresis - below, gapMs }));
          const run = drive(rule, { kind: 'active' }, samples, offDelayMs + extra);
          assert.equal(run.clears, 1);
          assert.equal(run.raises, 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('low limits mirror high ones: beyond below the set-point raises once', () => {
    fc.assert(
      fc.property(
        setPoint,
        band,
        delay,
        fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), gap), { minLength: 1, maxLength: 50 }),
        (value, hysteresis, onDelayMs, walk) => {
          const rule: LimitRule = { condition: 'lolo', value, hysteresis, onDelayMs, offDelayMs: 0 };
          const run = drive(
            rule,
            NORMAL,
            walk.map(([below, gapMs]) => ({ value: value - below, gapMs })),
            onDelayMs + 1,
          );
          assert.equal(run.raises, 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
