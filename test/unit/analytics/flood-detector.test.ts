import assert from 'node:assert/strict';
import { type FloodInput, type FloodState, NO_FLOOD, stepFlood } from '../../../gateway/src/analytics/flood-detector.js';

const T = { start: 10, end: 5 };
const FLOOD: FloodState = { kind: 'flood', since: 1000, alarms: 3, peak: 12 };

/** ISA-18.2 §16.5: a flood starts above 10 alarms per 10 min and ends below 5. */
describe('flood detector (pure machine)', () => {
  const rows: { what: string; start: FloodState; input: FloodInput; state: FloodState; effect?: string }[] = [
    { what: '10 in the window is not a flood', start: NO_FLOOD, input: { kind: 'alarm', at: 5, rate: 10 }, state: NO_FLOOD },
    {
      what: 'the 11th alarm starts it',
      start: NO_FLOOD,
      input: { kind: 'alarm', at: 5, rate: 11 },
      state: { kind: 'flood', since: 5, alarms: 1, peak: 11 },
      effect: 'flood-start',
    },
    {
      what: 'a tick at a high rate while normal starts it too',
      start: NO_FLOOD,
      input: { kind: 'tick', at: 7, rate: 11 },
      state: { kind: 'flood', since: 7, alarms: 1, peak: 11 },
      effect: 'flood-start',
    },
    {
      what: 'alarms during a flood are counted',
      start: FLOOD,
      input: { kind: 'alarm', at: 2000, rate: 13 },
      state: { ...FLOOD, alarms: 4, peak: 13 },
    },
    { what: 'a rate of exactly 5 keeps the flood', start: FLOOD, input: { kind: 'tick', at: 3000, rate: 5 }, state: FLOOD },
    { what: 'below 5 ends it', start: FLOOD, input: { kind: 'tick', at: 3000, rate: 4 }, state: NO_FLOOD, effect: 'flood-end' },
    {
      what: 'a rate between end and start while normal stays normal',
      start: NO_FLOOD,
      input: { kind: 'tick', at: 3000, rate: 8 },
      state: NO_FLOOD,
    },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const step = stepFlood(row.start, row.input, T);
      assert.deepEqual(step.state, row.state);
      assert.equal(step.effect?.kind, row.effect);
    });
  }

  it('the end reports when it started, the alarms during it and the peak', () => {
    const step = stepFlood(FLOOD, { kind: 'tick', at: 9000, rate: 2 }, T);
    assert.deepEqual(step.effect, { kind: 'flood-end', at: 9000, rate: 2, since: 1000, alarms: 3, peak: 12 });
  });
});
