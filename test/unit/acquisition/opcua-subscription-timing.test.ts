import assert from 'node:assert/strict';
import { needsModify, requestedTiming, timingFor } from '../../../gateway/src/acquisition/opcua/subscription-timing.js';

describe('OPC UA subscription timing', () => {
  it('asks 1 ms for "the server\'s fastest" (node-opcua\'s client would send 0 as 100 ms)', () => {
    assert.deepEqual(requestedTiming(0), { publishingIntervalMs: 1, maxKeepAliveCount: 10, lifetimeCount: 60 });
    assert.equal(requestedTiming(250).publishingIntervalMs, 250);
    // The fewest counts whatever the interval: a grant of up to 3 s stays inside a 30 s session timeout.
    assert.ok(requestedTiming(0).maxKeepAliveCount * 3000 <= 30_000);
  });

  const table: [intervalMs: number, keepAlive: number, lifetime: number][] = [
    [1, 1000, 6000],
    [5, 200, 1200],
    [50, 20, 120],
    [100, 10, 60],
    [1000, 10, 60],
    [60_000, 10, 60],
    [0.05, 12_000, 72_000],
  ];
  for (const [intervalMs, keepAlive, lifetime] of table) {
    it(`at ${intervalMs} ms: a keep-alive every ${keepAlive} intervals, a lifetime of ${lifetime}`, () => {
      const t = timingFor(intervalMs);
      assert.deepEqual(t, { publishingIntervalMs: intervalMs, maxKeepAliveCount: keepAlive, lifetimeCount: lifetime });
      // OPC 10000-4 §5.13.2.2: the lifetime count shall be at least three times the keep-alive count.
      assert.ok(t.lifetimeCount >= 3 * t.maxKeepAliveCount);
      assert.ok(t.maxKeepAliveCount * intervalMs >= Math.min(1000, 12_000 * intervalMs), 'a keep-alive at most every second');
    });
  }

  it('modifies a subscription only when the granted counts do not fit the granted interval', () => {
    // Asked 1 ms (counts for 1 ms), granted 5 ms: counts for 5 ms are wanted.
    assert.equal(needsModify({ ...requestedTiming(0), publishingIntervalMs: 5 }), true, 'asked 1 ms, granted 5 ms');
    assert.equal(needsModify({ ...requestedTiming(1000), publishingIntervalMs: 1000 }), false, 'a slow grant keeps 10 and 60');
    assert.equal(needsModify(timingFor(5)), false);
    assert.equal(needsModify(timingFor(1000)), false);
  });
});
