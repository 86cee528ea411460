import assert from 'node:assert/strict';
import { LateAnswers } from '../../../gateway/src/transports/late-answers.js';

describe('late answers (a cut-short request’s answer still times the unit)', () => {
  const watched = (l: LateAnswers, seen: number[]) => l.watch(7, 100, (r) => seen.push(r), 120);
  const rows: { name: string; steps: (l: LateAnswers, seen: number[]) => void; want: number[] }[] = [
    {
      name: 'reports the round trip of a watched id',
      steps: (l, seen) => {
        watched(l, seen);
        l.arrived(7, 145);
      },
      want: [45],
    },
    {
      name: 'once: a second answer with the id is not news',
      steps: (l, seen) => {
        watched(l, seen);
        l.arrived(7, 145);
        l.arrived(7, 150);
      },
      want: [45],
    },
    { name: 'ignores an id nobody watches', steps: (l) => l.arrived(8, 145), want: [] },
    {
      name: 'forgets an id issued again (its answer is the new request’s)',
      steps: (l, seen) => {
        watched(l, seen);
        l.issued(7);
        l.arrived(7, 145);
      },
      want: [],
    },
    {
      name: 'drops an answer later than the full timeout',
      steps: (l, seen) => {
        watched(l, seen);
        l.arrived(7, 1101);
      },
      want: [],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const seen: number[] = [];
      row.steps(new LateAnswers(1000), seen);
      assert.deepEqual(seen, row.want);
    });
  }

  it('stays bounded: ids never answered are swept once older than the full timeout', () => {
    const l = new LateAnswers(1000);
    for (let tid = 1; tid <= 64; tid++) l.watch(tid, tid, () => undefined, tid);
    assert.equal(l.size, 64);
    l.watch(65, 5000, () => undefined, 5000);
    assert.equal(l.size, 1);
  });
});
