import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { registerPollMetrics } from '../../../gateway/src/http/metrics/poll-metrics.js';
import type { PollOutcome } from '../../../gateway/src/http/sources.js';

describe('poll metrics: tallied per request, counted at scrape', () => {
  it('keeps counting across scrapes, one series per device and outcome seen', async () => {
    const registry = new Registry();
    let listener: (o: PollOutcome) => void = () => {};
    registerPollMetrics(registry, {
      subscribe: (l) => {
        listener = l;
        return () => {};
      },
    });
    listener({ device: 'gas-1', ok: true, timedOut: false, latencyMs: 4 });
    listener({ device: 'gas-1', ok: false, timedOut: false, latencyMs: 9 });
    assert.match(await registry.metrics(), /^lifeline_poll_requests_total\{device="gas-1",outcome="ok"\} 1$/m);
    listener({ device: 'gas-1', ok: true, timedOut: false, latencyMs: 30 });
    listener({ device: 'gas-2', ok: false, timedOut: true, latencyMs: 500 });
    const text = await registry.metrics();
    assert.match(text, /^lifeline_poll_requests_total\{device="gas-1",outcome="ok"\} 2$/m);
    assert.match(text, /^lifeline_poll_requests_total\{device="gas-1",outcome="error"\} 1$/m);
    assert.match(text, /^lifeline_poll_requests_total\{device="gas-2",outcome="timeout"\} 1$/m);
    assert.doesNotMatch(text, /outcome="late"/, 'no series for an outcome never seen');
    assert.match(text, /^lifeline_poll_request_duration_seconds_bucket\{le="0.005",device="gas-1"\} 1$/m);
    assert.match(text, /^lifeline_poll_request_duration_seconds_count\{device="gas-1"\} 2$/m);
    assert.doesNotMatch(text, /duration_seconds_count\{device="gas-2"\}/, 'only successful requests are timed');
  });
});
