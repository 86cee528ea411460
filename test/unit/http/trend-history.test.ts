import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Reading } from '../../../core/src/reading.js';
import { TrendHistory, type TrendSource } from '../../../gateway/src/http/history/trend-history.js';
import { testBus } from '../../support/event-bus.js';

describe('TrendHistory: the ring in front of the durable history', () => {
  const NOW = 1_000_000;
  const ringOnly = (capacity: number) => new TrendHistory({ capacity, now: () => NOW });

  it('keeps the newest samples per point, oldest first, filtered by time', () => {
    const ring = ringOnly(3);
    for (let i = 1; i <= 5; i++) ring.record('d', 'p', i * 1000, i);
    ring.record('d', 'q', 1000, 42);
    assert.deepEqual(
      ring.history('d', 'p', 0).map((s) => s.value),
      [3, 4, 5],
    );
    assert.deepEqual(ring.history('d', 'p', 4000), [
      { ts: 4000, value: 4 },
      { ts: 5000, value: 5 },
    ]);
    assert.deepEqual(ring.history('d', 'q', 0), [{ ts: 1000, value: 42 }]);
    assert.deepEqual(ring.history('d', 'none', 0), []);
  });

  it('records readings from the bus: booleans as 0/1, bad and non-finite values as gaps, until detached', () => {
    const bus = testBus();
    const trends = ringOnly(10);
    const detach = trends.attach(bus);
    const r = (value: Reading['value'], sourceTs: number, quality: Reading['quality'] = 'good'): Reading => ({
      device: 'd',
      point: 'p',
      ...(value === undefined ? {} : { value }),
      quality,
      sourceTs,
      rxTs: sourceTs,
    });
    bus.emit('readings', [r(true, 1), r(false, 2), r(undefined, 3, 'bad'), r(7, 4, 'bad'), r(Number.NaN, 5), r(2.5, 6, 'uncertain')]);
    detach();
    bus.emit('readings', [r(9, 7)]);
    assert.deepEqual(trends.history('d', 'p', 0), [
      { ts: 1, value: 1 },
      { ts: 2, value: 0 },
      { ts: 6, value: 2.5 },
    ]);
  });

  it('reaches back before the ring with durable bucket averages, never overlapping the ring', () => {
    const trend = sinon.stub<Parameters<TrendSource['trend']>, ReturnType<TrendSource['trend']>>().returns([
      { ts: 1000, avg: 1 },
      { ts: 2000, avg: 2 },
      { ts: 3000, avg: 3 },
    ]);
    const trends = new TrendHistory({ capacity: 2, durable: { trend }, now: () => NOW });
    for (const ts of [2000, 3000, 4000]) trends.record('d', 'p', ts, ts / 100);
    assert.deepEqual(trends.history('d', 'p', 500), [
      { ts: 1000, value: 1 },
      { ts: 2000, value: 2 },
      { ts: 3000, value: 30 },
      { ts: 4000, value: 40 },
    ]);
    assert.deepEqual(trend.firstCall.args, ['d', 'p', 500, 3000]);
  });

  it('asks the durable history up to now for a point the ring has not seen (after a restart)', () => {
    const trend = sinon.stub<Parameters<TrendSource['trend']>, ReturnType<TrendSource['trend']>>().returns([{ ts: 900_000, avg: 5 }]);
    const trends = new TrendHistory({ capacity: 2, durable: { trend }, now: () => NOW });
    assert.deepEqual(trends.history('d', 'p', 800_000), [{ ts: 900_000, value: 5 }]);
    assert.deepEqual(trend.firstCall.args, ['d', 'p', 800_000, NOW]);
  });

  it('does not ask the durable history when the ring covers the window', () => {
    const trend = sinon.stub<Parameters<TrendSource['trend']>, ReturnType<TrendSource['trend']>>().returns([]);
    const trends = new TrendHistory({ capacity: 5, durable: { trend }, now: () => NOW });
    trends.record('d', 'p', 1000, 1);
    assert.deepEqual(trends.history('d', 'p', 1000), [{ ts: 1000, value: 1 }]);
    assert.equal(trend.callCount, 0);
  });
});
