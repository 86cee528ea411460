import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default gauges that end in `_total`: Prometheus reserves that
 * suffix for counters, so `promtool check metrics` flags them. Each has a
 * per-`type` sibling without the suffix (`lifeline_nodejs_active_handles{type}`)
 * whose sum is the same number, so dropping them loses nothing.
 * https://prometheus.io/docs/practices/naming/#metric-names
 */
const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Process metrics (CPU, RSS, heap, GC) and nodejs_eventloop_lag_* (perf_hooks.monitorEventLoopDelay), prefixed `lifeline_`. */
export function registerProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix, eventLoopMonitoringPrecision: 20 });
  for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(`${prefix}${name}`);
}
