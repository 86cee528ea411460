import { Counter, Histogram, type Registry } from 'prom-client';
import type { AcquisitionSource } from '../sources.js';

/**
 * What polling sends and gets back. One `poll` event is one Modbus read
 * request (a register block; every retry is a request of its own), not a poll
 * cycle of the device, so the names say "requests". Timeouts are the
 * `outcome="timeout"` series, not a counter of their own. Returns the
 * unsubscribe function.
 */
export function registerPollMetrics(registry: Registry, source: AcquisitionSource): () => void {
  const requests = new Counter({
    name: 'lifeline_poll_requests_total',
    help: 'Modbus read requests sent by polling (one per register block and attempt, retries included), per device, by outcome (ok, error, timeout)',
    labelNames: ['device', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lifeline_poll_request_duration_seconds',
    help: 'Time from sending a poll request to its complete response, successful requests only, per device',
    labelNames: ['device'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return source.subscribe((o) => {
    requests.inc({ device: o.device, outcome: o.ok ? 'ok' : o.timedOut ? 'timeout' : 'error' });
    if (o.ok) duration.observe({ device: o.device }, o.latencyMs / 1000);
  });
}
