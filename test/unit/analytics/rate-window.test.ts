import assert from 'node:assert/strict';
import { emptyRate, pruneRate, rateAt, recordRate } from '../../../gateway/src/analytics/rate-window.js';

describe('rate window (one-second buckets)', () => {
  const W = 600_000;
  const rows: { what: string; at: number[]; now: number; rate: number }[] = [
    { what: 'counts every alarm within the window', at: [0, 1, 999, 1000, 300_000], now: 300_000, rate: 5 },
    { what: 'an alarm exactly one window old has left it', at: [0, 1000], now: 600_000, rate: 1 },
    { what: 'one a second younger is still in', at: [1000], now: 600_999, rate: 1 },
    { what: 'an empty window is 0', at: [], now: 5, rate: 0 },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const w = row.at.reduce((acc, at) => recordRate(acc, at), emptyRate(W));
      assert.equal(rateAt(w, row.now), row.rate);
    });
  }

  it('keeps one bucket per second however many alarms, and frees them when pruned', () => {
    let w = emptyRate(W);
    for (let i = 0; i < 10_000; i++) w = recordRate(w, 5000 + (i % 1000));
    assert.equal(w.buckets.length, 1);
    assert.equal(rateAt(w, 5999), 10_000);
    assert.equal(pruneRate(w, 5000 + W).buckets.length, 0);
  });
});
