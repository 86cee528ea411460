import assert from 'node:assert/strict';
import { type LimitInput, type LimitRule, type LimitState, NORMAL, stepLimit } from '../../../core/src/alarms/limit-condition.js';

const hihi: LimitRule = { condition: 'hihi', value: 50, hysteresis: 2, onDelayMs: 1000, offDelayMs: 3000 };
const twoSamples: LimitRule = { condition: 'hi', value: 10, hysteresis: 1, onDelayMs: 0, offDelayMs: 0, onSamples: 3, offSamples: 2 };
const lo: LimitRule = { condition: 'lo', value: 0.2, hysteresis: 0.02, onDelayMs: 0, offDelayMs: 0 };

const sample = (value: number, at: number): LimitInput => ({ kind: 'sample', value, at });
const tick = (at: number): LimitInput => ({ kind: 'tick', at });

interface Row {
  readonly name: string;
  readonly rule: LimitRule;
  readonly start: LimitState;
  readonly input: LimitInput;
  readonly state: LimitState['kind'];
  readonly effects: readonly string[];
}

const rows: Row[] = [
  { name: 'normal stays normal below the limit', rule: hihi, start: NORMAL, input: sample(49.9, 0), state: 'normal', effects: [] },
  {
    name: 'reaching the limit starts the on-delay',
    rule: hihi,
    start: NORMAL,
    input: sample(50, 0),
    state: 'pending-raise',
    effects: ['schedule@1000'],
  },
  { name: 'no on-delay raises at once', rule: lo, start: NORMAL, input: sample(0.2, 0), state: 'active', effects: ['raise'] },
  {
    name: 'leaving during the on-delay cancels it',
    rule: hihi,
    start: { kind: 'pending-raise', since: 0, count: 1 },
    input: sample(49, 500),
    state: 'normal',
    effects: ['cancel'],
  },
  {
    name: 'still beyond before the delay: wait',
    rule: hihi,
    start: { kind: 'pending-raise', since: 0, count: 1 },
    input: sample(60, 999),
    state: 'pending-raise',
    effects: [],
  },
  {
    name: 'a sample after the delay raises',
    rule: hihi,
    start: { kind: 'pending-raise', since: 0, count: 1 },
    input: sample(60, 1000),
    state: 'active',
    effects: ['cancel', 'raise'],
  },
  {
    name: 'the delay timer raises',
    rule: hihi,
    start: { kind: 'pending-raise', since: 0, count: 1 },
    input: tick(1000),
    state: 'active',
    effects: ['cancel', 'raise'],
  },
  {
    name: 'inside the hysteresis band stays active',
    rule: hihi,
    start: { kind: 'active' },
    input: sample(48.5, 0),
    state: 'active',
    effects: [],
  },
  {
    name: 'below limit − hysteresis starts the off-delay',
    rule: hihi,
    start: { kind: 'active' },
    input: sample(47.9, 0),
    state: 'pending-clear',
    effects: ['schedule@3000'],
  },
  { name: 'no off-delay clears at once', rule: lo, start: { kind: 'active' }, input: sample(0.23, 0), state: 'normal', effects: ['clear'] },
  {
    name: 'low limit: inside its band stays active',
    rule: lo,
    start: { kind: 'active' },
    input: sample(0.21, 0),
    state: 'active',
    effects: [],
  },
  {
    name: 'back into the band during the off-delay re-arms',
    rule: hihi,
    start: { kind: 'pending-clear', since: 0, count: 1 },
    input: sample(49, 100),
    state: 'active',
    effects: ['cancel'],
  },
  {
    name: 'the off-delay timer clears',
    rule: hihi,
    start: { kind: 'pending-clear', since: 0, count: 1 },
    input: tick(3000),
    state: 'normal',
    effects: ['cancel', 'clear'],
  },
  {
    name: 'an early tick changes nothing',
    rule: hihi,
    start: { kind: 'pending-clear', since: 0, count: 1 },
    input: tick(2999),
    state: 'pending-clear',
    effects: [],
  },
  {
    name: 'N-sample debounce: the first sample beyond only starts counting',
    rule: twoSamples,
    start: NORMAL,
    input: sample(11, 0),
    state: 'pending-raise',
    effects: [],
  },
  {
    name: 'N-sample debounce: one short of onSamples waits',
    rule: twoSamples,
    start: { kind: 'pending-raise', since: 0, count: 1 },
    input: sample(11, 1),
    state: 'pending-raise',
    effects: [],
  },
  {
    name: 'N-sample debounce: the onSamples-th sample raises',
    rule: twoSamples,
    start: { kind: 'pending-raise', since: 0, count: 2 },
    input: sample(11, 2),
    state: 'active',
    effects: ['cancel', 'raise'],
  },
  {
    name: 'N-sample debounce: a tick does not count as a sample',
    rule: twoSamples,
    start: { kind: 'pending-raise', since: 0, count: 2 },
    input: tick(5),
    state: 'pending-raise',
    effects: [],
  },
  {
    name: 'N-sample debounce: the offSamples-th returned sample clears',
    rule: twoSamples,
    start: { kind: 'pending-clear', since: 0, count: 1 },
    input: sample(8, 1),
    state: 'normal',
    effects: ['cancel', 'clear'],
  },
];

describe('limit condition state machine', () => {
  for (const row of rows) {
    it(row.name, () => {
      const step = stepLimit(row.rule, row.start, row.input);
      assert.equal(step.state.kind, row.state);
      assert.deepEqual(
        step.effects.map((e) => (e.kind === 'schedule' ? `schedule@${e.at}` : e.kind)),
        row.effects,
      );
    });
  }

  it('never chatters while a value oscillates inside the hysteresis band', () => {
    let state: LimitState = { kind: 'active' };
    for (let i = 0; i < 1000; i++) {
      const step = stepLimit(hihi, state, sample(48 + (i % 7) * 0.5, i * 100));
      assert.ok(!step.effects.some((e) => e.kind === 'raise' || e.kind === 'clear'), `transition at sample ${i}`);
      state = step.state;
    }
  });
});
