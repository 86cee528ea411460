import assert from 'node:assert/strict';
import { BucketColumns } from '../../../gateway/src/store/bucket-columns.js';

const keys = [
  { device: 'd1', point: 'p1' },
  { device: 'd1', point: 'p2' },
  { device: 'd2', point: 'p1' },
];

describe('history buckets as columns', () => {
  it('keeps pushed buckets in order through growth and hands them out as rows, a range at a time', () => {
    const log = new BucketColumns(2);
    for (let i = 0; i < 1000; i++) log.push(i % 3, i * 10_000, i + 1, i * 2.5, -i, i + 0.5);
    assert.equal(log.length, 1000);
    assert.deepEqual(log.rows(keys, 998), [
      { device: 'd2', point: 'p1', ts: 9_980_000, count: 999, sum: 2495, min: -998, max: 998.5 },
      { device: 'd1', point: 'p1', ts: 9_990_000, count: 1000, sum: 2497.5, min: -999, max: 999.5 },
    ]);
    assert.equal(log.rows(keys, 10, 260).length, 250);
    assert.deepEqual(log.rows(keys, 990, 2000).length, 10, 'a range past the end stops at the end');
  });

  it('holds an open bucket a series, adds to it in place and tells an empty row by a NaN time', () => {
    const open = new BucketColumns();
    assert.ok(Number.isNaN(open.ts(0)));
    open.set(200, 2, 10_000, 1, 4, 4, 4);
    assert.equal(open.length, 201);
    assert.ok(Number.isNaN(open.ts(5)), 'rows below a set one hold nothing');
    open.add(200, 9);
    open.add(200, -1);
    assert.deepEqual(open.rows(keys, 200), [{ device: 'd2', point: 'p1', ts: 10_000, count: 3, sum: 12, min: -1, max: 9 }]);
    const log = new BucketColumns();
    log.pushRow(open, 200);
    assert.deepEqual(log.rows(keys), open.rows(keys, 200));
    open.clear();
    assert.equal(open.length, 0);
    open.set(1, 1, 20_000, 1, 7, 7, 7);
    assert.ok(Number.isNaN(open.ts(0)), 'a cleared row stays empty');
    assert.equal(open.ts(1), 20_000);
  });
});
