import { Counter, type Registry } from 'prom-client';
import type { AcquisitionSource, PollOutcome } from '../sources.js';
import { TalliedHistogram } from './tallied-histogram.js';

const OUTCOMES = ['ok', 'error', 'timeout', 'late'] as const;
type Outcome = (typeof OUTCOMES)[number];

/**
 * What polling sends and gets back. One `poll` event is one Modbus read
 * request (a register block; every retry is a request of its own), not a poll
 * cycle of the device, so the names say "requests". Timeouts are the
 * `outcome="timeout"` series, not a counter of their own; a request cut short
 * under the adaptive timeout and retried with the full one is `late` (the
 * device's `lateRetries`), since it is not the device's timeout. Every request
 * is only tallied (per device, in plain arrays); the counter takes the tallies
 * at scrape, so the hot path does no label hashing. Returns the unsubscribe function.
 */
export function registerPollMetrics(registry: Registry, source: AcquisitionSource): () => void {
  /** Per device, requests by outcome (in OUTCOMES order) since the last scrape. */
  const unscraped = new Map<string, number[]>();
  new Counter({
    name: 'lifeline_poll_requests_total',
    help: 'Modbus read requests sent by polling (one per register block and attempt, retries included), per device, by outcome (ok, error, timeout, late: cut short by the adaptive timeout and retried)',
    labelNames: ['device', 'outcome'],
    registers: [registry],
    collect() {
      for (const [device, counts] of unscraped) {
        for (const [i, outcome] of OUTCOMES.entries()) {
          const n = counts[i] as number;
          if (n === 0) continue;
          this.inc({ device, outcome }, n);
          counts[i] = 0;
        }
      }
    },
  });
  const duration = new TalliedHistogram({
    name: 'lifeline_poll_request_duration_seconds',
    help: 'Time from sending a poll request to its complete response, successful requests only, per device',
    label: 'device',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  });
  return source.subscribe((o) => {
    let counts = unscraped.get(o.device);
    if (!counts) {
      counts = OUTCOMES.map(() => 0);
      unscraped.set(o.device, counts);
    }
    const i = OUTCOMES.indexOf(outcomeOf(o));
    counts[i] = (counts[i] as number) + 1;
    if (o.ok) duration.observe(o.device, o.latencyMs / 1000);
  });
}

function outcomeOf(o: PollOutcome): Outcome {
  if (o.ok) return 'ok';
  if (o.late) return 'late';
  return o.timedOut ? 'timeout' : 'error';
}
