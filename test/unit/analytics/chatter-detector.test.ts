import assert from 'node:assert/strict';
import { type ChatterInput, isIdle, newChatter, stepChatter } from '../../../gateway/src/analytics/chatter-detector.js';

const T = { raises: 3, windowMs: 60_000 };

function run(inputs: ChatterInput[]): (string | undefined)[] {
  let state = newChatter(T);
  return inputs.map((input) => {
    const step = stepChatter(state, input, T);
    state = step.state;
    return step.effect?.kind;
  });
}

const raise = (at: number): ChatterInput => ({ kind: 'raise', at });
const tick = (at: number): ChatterInput => ({ kind: 'tick', at });

/** EEMUA 191: an alarm raising 3 or more times in 1 min is chattering; it stops after a whole quiet minute. */
describe('chatter detector (pure machine)', () => {
  const rows: { what: string; inputs: ChatterInput[]; effects: (string | undefined)[] }[] = [
    { what: 'two raises are not chattering', inputs: [raise(0), raise(10_000)], effects: [undefined, undefined] },
    {
      what: 'the third raise within 60 s starts it',
      inputs: [raise(0), raise(10_000), raise(59_999)],
      effects: [undefined, undefined, 'chatter-start'],
    },
    {
      what: 'a raise exactly 60 s after the first is outside the window',
      inputs: [raise(0), raise(30_000), raise(60_000)],
      effects: [undefined, undefined, undefined],
    },
    {
      what: 'further raises while chattering start nothing new',
      inputs: [raise(0), raise(1000), raise(2000), raise(3000)],
      effects: [undefined, undefined, 'chatter-start', undefined],
    },
    {
      what: 'a tick inside the window of the last raise keeps it chattering',
      inputs: [raise(0), raise(1000), raise(2000), tick(61_999)],
      effects: [undefined, undefined, 'chatter-start', undefined],
    },
    {
      what: 'a whole window without a raise ends it',
      inputs: [raise(0), raise(1000), raise(2000), tick(62_000)],
      effects: [undefined, undefined, 'chatter-start', 'chatter-end'],
    },
    {
      what: 'after the end, three raises in a minute start it again',
      inputs: [raise(0), raise(1000), raise(2000), tick(62_000), raise(100_000), raise(101_000), raise(102_000)],
      effects: [undefined, undefined, 'chatter-start', 'chatter-end', undefined, undefined, 'chatter-start'],
    },
  ];
  for (const row of rows) it(row.what, () => assert.deepEqual(run(row.inputs), row.effects));

  it('counts the raises of an episode and forgets an idle alarm', () => {
    let state = newChatter(T);
    for (const at of [0, 1000, 2000, 3000]) state = stepChatter(state, raise(at), T).state;
    const end = stepChatter(state, tick(70_000), T);
    assert.deepEqual(end.effect, { kind: 'chatter-end', at: 70_000, since: 2000, raises: 4 });
    assert.ok(isIdle(end.state));
  });
});
