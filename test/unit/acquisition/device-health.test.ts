import assert from 'node:assert/strict';
import { HealthRecorder, LATENCY_BUCKETS_MS } from '../../../gateway/src/acquisition/device-health.js';

describe('HealthRecorder: the per-device latency histogram', () => {
  it('counts each latency in every bucket whose bound it does not exceed, as Prometheus le buckets do', () => {
    const h = new HealthRecorder();
    for (const ms of [0.4, 1, 3, 49.9, 50, 4000, 9000]) h.observeLatency(ms);
    const { bucketsMs, counts, sumMs, count } = h.latency();
    assert.deepEqual(bucketsMs, LATENCY_BUCKETS_MS);
    // Bounds 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, then +Inf.
    assert.deepEqual(counts, [2, 2, 3, 3, 3, 5, 5, 5, 5, 5, 5, 6, 7]);
    assert.equal(count, 7);
    assert.ok(Math.abs(sumMs - 13104.3) < 1e-9);
  });

  it('hands out a copy: later observations do not change a histogram already taken', () => {
    const h = new HealthRecorder();
    h.observeLatency(7);
    const before = h.latency();
    h.observeLatency(7);
    assert.deepEqual(before.counts, [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.equal(h.latency().count, 2);
  });
});
