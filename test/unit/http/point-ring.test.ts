import assert from 'node:assert/strict';
import { RingSlabs } from '../../../gateway/src/http/history/point-ring.js';

const DAY_MS = 86_400_000;
const T0 = 1_796_140_000_000;

describe('PointRing: times as ms offsets from a moving base', () => {
  const ring = (capacity = 4) => new RingSlabs(capacity).next();
  const rows: { name: string; pushes: [number, number][]; want: [number, number][] }[] = [
    {
      name: 'keeps exact times and values (no Float32: a flow total stays 1,234,567.8)',
      pushes: [
        [T0, 1_234_567.8],
        [T0 + 1000, 21.3],
      ],
      want: [
        [T0, 1_234_567.8],
        [T0 + 1000, 21.3],
      ],
    },
    {
      name: 'takes a time before its base (a device clock stepped back) by moving the base',
      pushes: [
        [T0, 1],
        [T0 - 5000, 2],
      ],
      want: [
        [T0, 1],
        [T0 - 5000, 2],
      ],
    },
    {
      name: 'keeps samples 49 days apart by moving the base forward',
      pushes: [
        [T0, 1],
        [T0 + 40 * DAY_MS, 2],
        [T0 + 49 * DAY_MS, 3],
        [T0 + 60 * DAY_MS, 4],
      ],
      // The first is 60 days before the last (more than 2^32 ms): dropped when the base moves past it; the others stay.
      want: [
        [T0 + 40 * DAY_MS, 2],
        [T0 + 49 * DAY_MS, 3],
        [T0 + 60 * DAY_MS, 4],
      ],
    },
    {
      name: 'drops only what no base can hold: a sample 49.7 days older than the new one is gone',
      pushes: [
        [T0, 1],
        [T0 + 10 * DAY_MS, 2],
        [T0 + 50 * DAY_MS, 3],
      ],
      want: [
        [T0 + 10 * DAY_MS, 2],
        [T0 + 50 * DAY_MS, 3],
      ],
    },
    {
      name: 'drops what a time 60 days back cannot share a base with',
      pushes: [
        [T0, 1],
        [T0 - 60 * DAY_MS, 2],
      ],
      want: [[T0 - 60 * DAY_MS, 2]],
    },
    {
      name: 'moves the base forward past an old sample the ring has overwritten',
      pushes: [
        [T0, 1],
        [T0 + 10 * DAY_MS, 2],
        [T0 + 20 * DAY_MS, 3],
        [T0 + 30 * DAY_MS, 4],
        [T0 + 40 * DAY_MS, 5],
        [T0 + 55 * DAY_MS, 6],
      ],
      want: [
        [T0 + 20 * DAY_MS, 3],
        [T0 + 30 * DAY_MS, 4],
        [T0 + 40 * DAY_MS, 5],
        [T0 + 55 * DAY_MS, 6],
      ],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = ring();
      for (const [ts, value] of row.pushes) r.push(ts, value);
      assert.deepEqual(
        r.since(0).map((s) => [s.ts, s.value]),
        row.want,
      );
    });
  }

  it('gives each point of a slab its own ring', () => {
    const slabs = new RingSlabs(2);
    const a = slabs.next();
    const b = slabs.next();
    a.push(T0, 1);
    b.push(T0 + 1, 2);
    a.push(T0 + 2, 3);
    a.push(T0 + 3, 4);
    assert.deepEqual(
      a.since(0).map((s) => s.value),
      [3, 4],
    );
    assert.deepEqual(
      b.since(0).map((s) => s.value),
      [2],
    );
  });
});
