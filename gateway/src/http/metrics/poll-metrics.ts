import type { Registry } from 'prom-client';
import type { AcquisitionSource, PollOutcome } from '../sources.js';
import { TalliedCounter } from './tallied-counter.js';
import { TalliedHistogram } from './tallied-histogram.js';

const OUTCOMES = ['ok', 'error', 'timeout', 'late'] as const;

/**
 * What polling sends and gets back. One `poll` event is one Modbus read
 * request (a register block; every retry is a request of its own), not a poll
 * cycle of the device, so the names say "requests". Timeouts are the
 * `outcome="timeout"` series, not a counter of their own; a request cut short
 * under the adaptive timeout and retried with the full one is `late` (the
 * device's `lateRetries`), since it is not the device's timeout. Both are
 * tallied per request and read at scrape (no label hashing per request).
 * Returns the unsubscribe function.
 */
export function registerPollMetrics(registry: Registry, source: AcquisitionSource): () => void {
  const requests = new TalliedCounter({
    name: 'lifeline_poll_requests_total',
    help: 'Modbus read requests sent by polling (one per register block and attempt, retries included), per device, by outcome (ok, error, timeout, late: cut short by the adaptive timeout and retried)',
    seriesLabel: 'device',
    kindLabel: 'outcome',
    kinds: OUTCOMES,
    registry,
  });
  const duration = new TalliedHistogram({
    name: 'lifeline_poll_request_duration_seconds',
    help: 'Time from sending a poll request to its complete response, successful requests only, per device',
    label: 'device',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  });
  return source.subscribe((o) => {
    requests.add(o.device, outcomeOf(o));
    if (o.ok) duration.observe(o.device, o.latencyMs / 1000);
  });
}

function outcomeOf(o: PollOutcome): (typeof OUTCOMES)[number] {
  if (o.ok) return 'ok';
  if (o.late) return 'late';
  return o.timedOut ? 'timeout' : 'error';
}
