import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import type { Reading } from '../../../core/src/reading.js';
import { systemClock } from '../../../core/src/time/clock.js';
import type { HistoryBucket, HistoryStore } from '../../../gateway/src/store/history-store.js';
import { LocalHistory } from '../../../gateway/src/store/local-history.js';
import { MemoryHistoryStore } from '../../../gateway/src/store/memory-history-store.js';
import { SqliteHistoryStore } from '../../../gateway/src/store/sqlite-history-store.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const bucket = (ts: number, value: number, point = 'p'): HistoryBucket => ({
  device: 'd',
  point,
  ts,
  count: 1,
  sum: value,
  min: value,
  max: value,
});

/** One contract for every HistoryStore (STYLE.md §8). */
function historyContract(name: string, open: () => HistoryStore): void {
  describe(`HistoryStore contract: ${name}`, () => {
    let store: HistoryStore;
    beforeEach(() => {
      store = open();
    });
    afterEach(() => store.close());

    it('merges buckets: count and sum add, min and max widen', () => {
      store.merge('fine', [bucket(0, 5), bucket(10, 1)]);
      store.merge('fine', [bucket(0, 7), bucket(0, 2)]);
      assert.deepEqual(store.query('fine', 'd', 'p', 0, 100), [
        { device: 'd', point: 'p', ts: 0, count: 3, sum: 14, min: 2, max: 7 },
        { device: 'd', point: 'p', ts: 10, count: 1, sum: 1, min: 1, max: 1 },
      ]);
    });

    it('queries one tier, point and half-open range', () => {
      store.merge('fine', [bucket(0, 1), bucket(10, 2), bucket(20, 3), bucket(10, 9, 'other')]);
      store.merge('coarse', [bucket(0, 4)]);
      assert.deepEqual(
        store.query('fine', 'd', 'p', 10, 20).map((b) => b.sum),
        [2],
      );
    });

    it('prunes a tier before a time', () => {
      store.merge('fine', [bucket(0, 1), bucket(10, 2)]);
      store.merge('coarse', [bucket(0, 1)]);
      assert.deepEqual(store.prune('fine', 10), { deleted: 1 });
      assert.equal(store.query('fine', 'd', 'p', 0, 100).length, 1);
      assert.equal(store.query('coarse', 'd', 'p', 0, 100).length, 1);
    });

    it('prunes a bounded number of series a step, in (device, point) order, resuming after the last one', () => {
      const series = [
        ['a', 'x'],
        ['a', 'y'],
        ['ab', 'x'],
        ['b', 'x'],
        ['b', 'z'],
      ] as const;
      for (const [device, point] of series)
        store.merge('fine', [
          { ...bucket(0, 1, point), device },
          { ...bucket(50, 1, point), device },
        ]);
      const first = store.prune('fine', 10, undefined, 2);
      assert.deepEqual(first, { deleted: 2, last: { device: 'a', point: 'y' } });
      assert.equal(store.query('fine', 'ab', 'x', 0, 100).length, 2, 'a series after the step is untouched');
      const second = store.prune('fine', 10, first.last, 2);
      assert.deepEqual(second, { deleted: 2, last: { device: 'b', point: 'x' } });
      assert.deepEqual(store.prune('fine', 10, second.last, 2), { deleted: 1 }, 'the tier ended inside the step');
      for (const [device, point] of series)
        assert.deepEqual(
          store.query('fine', device, point, 0, 100).map((b) => b.ts),
          [50],
          `${device}/${point}`,
        );
      assert.deepEqual(store.prune('fine', 10), { deleted: 0 }, 'nothing left to prune; no budget, no resume point');
    });
  });
}

historyContract('memory', () => new MemoryHistoryStore());
historyContract('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-history-'));
  dirs.push(dir);
  return new SqliteHistoryStore(join(dir, 'history.db'));
});

describe('local history: downsampling for trends', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000_000 });
  });
  afterEach(() => clock.restore());

  const reading = (ts: number, value: number | boolean | undefined, quality: Reading['quality'] = 'good'): Reading => ({
    device: 'd',
    point: 'p',
    ...(value !== undefined ? { value } : {}),
    quality,
    sourceTs: ts,
    rxTs: ts,
  });

  it('aggregates readings into 10 s buckets (min, max, avg) and skips bad ones', () => {
    const h = new LocalHistory(new MemoryHistoryStore(), systemClock);
    const t0 = 1_000_000_000 - 60_000;
    h.record([
      reading(t0, 1),
      reading(t0 + 1000, 3),
      reading(t0 + 10_000, 10),
      reading(t0 + 11_000, undefined, 'bad'),
      reading(t0 + 12_000, true),
    ]);
    assert.deepEqual(h.trend('d', 'p', t0, t0 + 20_000), [
      { ts: t0, min: 1, max: 3, avg: 2, count: 2 },
      { ts: t0 + 10_000, min: 1, max: 10, avg: 5.5, count: 2 },
    ]);
    h.stop();
  });

  it('keeps a late sample of an earlier bucket and combines across flushes', () => {
    const h = new LocalHistory(new MemoryHistoryStore(), systemClock);
    const t0 = 1_000_000_000 - 60_000;
    h.record([reading(t0, 2), reading(t0 + 10_000, 8)]);
    h.record([reading(t0 + 5000, 4)]); // arrives after the point moved on to the next bucket
    h.flush();
    h.record([reading(t0 + 15_000, 0)]); // same bucket as 8, after a flush
    assert.deepEqual(h.trend('d', 'p', t0, t0 + 20_000), [
      { ts: t0, min: 2, max: 4, avg: 3, count: 2 },
      { ts: t0 + 10_000, min: 0, max: 8, avg: 4, count: 2 },
    ]);
    h.stop();
  });

  it('answers long ranges from the 5-minute tier', () => {
    const h = new LocalHistory(new MemoryHistoryStore(), systemClock);
    const day = 86_400_000;
    const now = 1_000_000_000;
    h.record([reading(now - day / 2, 4), reading(now - day / 2 + 20_000, 6)]);
    const trend = h.trend('d', 'p', now - day, now, 500);
    assert.equal(trend.length, 1, 'one 5-minute bucket');
    assert.deepEqual({ avg: trend[0]?.avg, count: trend[0]?.count }, { avg: 5, count: 2 });
    h.stop();
  });

  it('stores both tiers every minute, not every tick; a query stores everything first', () => {
    const store = new MemoryHistoryStore();
    const merge = sinon.spy(store, 'merge');
    const h = new LocalHistory(store, systemClock, { flushEveryMs: 10_000 });
    h.start();
    for (let s = 1; s <= 60; s++) {
      h.record([reading(Date.now(), s)]);
      clock.tick(1000);
    }
    clock.tick(10); // stores run in slices, one an event-loop turn
    assert.deepEqual(
      merge.getCalls().map((c) => [c.args[0], c.args[1].length]),
      [
        ['fine', 6],
        ['coarse', 1],
      ],
      'six 10 s buckets of the point at once',
    );
    h.record([reading(Date.now(), 61)]);
    const coarse = h.trend('d', 'p', Date.now() - 2 * 86_400_000, Date.now() + 1);
    assert.equal(
      coarse.reduce((n, b) => n + b.count, 0),
      61,
      'the open buckets of both tiers were stored before the query',
    );
    h.stop();
  });

  it('stores a large flush in slices of 250 rows, one a turn, and a query in the middle stores the rest first', () => {
    const store = new MemoryHistoryStore();
    const merge = sinon.spy(store, 'merge');
    const h = new LocalHistory(store, systemClock, {
      tiers: [{ name: 'fine', bucketMs: 10_000, retentionMs: 86_400_000 }],
      flushEveryMs: 10_000,
    });
    h.start();
    h.record(Array.from({ length: 600 }, (_, i) => ({ ...reading(Date.now(), i), point: `p${i}` })));
    clock.tick(10_000);
    assert.equal(merge.callCount, 0, 'nothing stored in the tick itself');
    clock.tick(1);
    assert.deepEqual(
      merge.getCalls().map((c) => c.args[1].length),
      [250],
      'one slice a turn',
    );
    const trend = h.trend('d', 'p599', 0, Date.now() + 1);
    assert.deepEqual(
      merge.getCalls().map((c) => c.args[1].length),
      [250, 350],
      'the query stored what was left at once',
    );
    assert.equal(trend[0]?.avg, 599);
    clock.tick(10);
    assert.equal(merge.callCount, 2, 'no slice left to run');
    h.stop();
  });

  it('prunes every 10 minutes in slices of 25 series, each step resuming after the last series', () => {
    const store = new MemoryHistoryStore();
    const prune = sinon.spy(store, 'prune');
    const h = new LocalHistory(store, systemClock, {
      tiers: [{ name: 'fine', bucketMs: 10_000, retentionMs: 60_000 }],
      flushEveryMs: 10_000,
    });
    h.record(Array.from({ length: 60 }, (_, i) => ({ ...reading(Date.now(), i), point: `p${String(i).padStart(3, '0')}` })));
    h.flush();
    h.start();
    clock.tick(10_000 + 10);
    assert.deepEqual(
      prune.getCalls().map((c) => [c.args[2]?.point, c.args[3]]),
      [
        [undefined, 25],
        ['p024', 25],
        ['p049', 25],
      ],
    );
    clock.tick(590_000 - 10);
    assert.equal(prune.callCount, 3, 'no round before 10 minutes');
    clock.tick(10_000 + 10);
    assert.equal(prune.callCount, 6, 'the next round');
    assert.equal(store.query('fine', 'd', 'p000', 0, Date.now() + 1).length, 0, 'expired buckets gone');
    h.stop();
  });

  it('flushes on its timer and prunes past retention', async () => {
    const store = new MemoryHistoryStore();
    const h = new LocalHistory(store, systemClock, { flushEveryMs: 1000 });
    h.start();
    h.record([reading(Date.now(), 1)]);
    clock.tick(59_000);
    assert.equal(store.query('fine', 'd', 'p', 0, Date.now() + 1).length, 0, 'stored every storeEveryMs (a minute)');
    clock.tick(1001);
    assert.equal(store.query('fine', 'd', 'p', 0, Date.now() + 1).length, 1);
    clock.tick(86_400_000 + 10_000);
    assert.equal(store.query('fine', 'd', 'p', 0, Date.now() + 1).length, 0, 'a day later the fine bucket is gone');
    assert.equal(store.query('coarse', 'd', 'p', 0, Date.now() + 1).length, 1, 'the coarse one stays');
    h.stop();
  });
});
