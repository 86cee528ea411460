import { ALARM_STATES, QUALITIES } from '@lifeline/twin';
import { Counter, Gauge, Registry } from 'prom-client';
import type { GatewayView } from '../gateway-view.js';
import { registerAnalyticsMetrics } from './analytics-metrics.js';
import { registerDeviceMetrics } from './device-metrics.js';
import { registerPollMetrics } from './poll-metrics.js';
import { registerProcessMetrics } from './process-metrics.js';
import { TalliedCounter } from './tallied-counter.js';

/**
 * The gateway's Prometheus metrics, in a registry of its own (never the
 * global one, so two gateways in one process — tests, the demo — never clash).
 * Counters are fed by events (readings, poll requests); gauges are read from
 * the view when Prometheus scrapes, so they are never stale. Every name and
 * HELP text passes `promtool check metrics` (test/integration/metrics-promtool.test.ts).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #detach: (() => void)[] = [];

  constructor(view: GatewayView) {
    this.registry.setDefaultLabels({ site: view.config.site, gateway: view.config.gateway });
    registerProcessMetrics(this.registry, 'lifeline_');
    this.#readings(view);
    this.#alarmGauges(view);
    const analytics = view.analytics?.bind(view);
    if (analytics) registerAnalyticsMetrics(this.registry, analytics);
    registerDeviceMetrics(this.registry, view);
    this.#linkGauges(view);
    if (view.acquisition) this.#detach.push(registerPollMetrics(this.registry, view.acquisition));
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    for (const detach of this.#detach.splice(0)) detach();
    this.registry.clear();
  }

  /**
   * Per device and quality, not per point: per point it was 3 series per point
   * (30k at 10k points, ~10 MB of heap and a 2 MB scrape) for a count that is
   * the device's poll count; a point's own quality is in /api/points.
   */
  #readings(view: GatewayView): void {
    const readings = new TalliedCounter({
      name: 'lifeline_readings_total',
      help: 'Readings decoded from device responses and put on the event bus, per device and quality',
      seriesLabel: 'device',
      kindLabel: 'quality',
      kinds: QUALITIES,
      registry: this.registry,
    });
    this.#detach.push(
      view.events.on('readings', (batch) => {
        // A batch is mostly one device's poll: one add per run of the same device and quality.
        let run = 0;
        for (let i = 0; i < batch.length; i++) {
          const r = batch[i] as (typeof batch)[number];
          run++;
          const next = batch[i + 1];
          if (next?.device === r.device && next.quality === r.quality) continue;
          readings.add(r.device, r.quality, run);
          run = 0;
        }
      }),
    );
  }

  #alarmGauges(view: GatewayView): void {
    new Gauge({
      name: 'lifeline_alarms',
      help: 'Alarms not in the normal state at scrape time, by ISA-18.2 state and priority (1 red … 4 blue)',
      labelNames: ['state', 'priority'],
      registers: [this.registry],
      collect() {
        this.reset();
        // Every state × priority is present (0 when none), so series never appear or vanish with the alarms.
        for (const state of ALARM_STATES) {
          if (state === 'normal') continue;
          for (const priority of [1, 2, 3, 4]) this.set({ state, priority }, 0);
        }
        for (const a of view.activeAlarms()) this.inc({ state: a.state, priority: a.priority });
      },
    });
  }

  #linkGauges(view: GatewayView): void {
    new Gauge({
      name: 'lifeline_uplink_connected',
      help: '1 while the MQTT uplink (local broker, centre) is connected, 0 otherwise',
      labelNames: ['uplink'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [uplink, s] of Object.entries(view.uplinks())) this.set({ uplink }, s.connected ? 1 : 0);
      },
    });
    const outbox = view.outbox;
    if (!outbox) return;
    new Gauge({
      name: 'lifeline_outbox_depth',
      help: 'Entries in the durable outbox not yet delivered to every sink, per lane (alarm > twin > telemetry)',
      labelNames: ['lane'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [lane, s] of Object.entries(outbox.stats().lanes)) this.set({ lane }, s.depth);
      },
    });
    new Counter({
      name: 'lifeline_sink_rejected_total',
      help: 'Messages from a sink server refused with a reason (Sparkplug NCMD/DCMD/STATE: malformed, unknown metric or target, wrong datatype, not allowed, write failed)',
      labelNames: ['sink', 'reason'],
      registers: [this.registry],
      collect() {
        // The sinks count; this reads their totals, which only grow while the gateway runs.
        this.reset();
        for (const [sink, s] of Object.entries(outbox.stats().sinks ?? {})) {
          for (const [reason, n] of Object.entries(s.rejected ?? {})) this.inc({ sink, reason }, n);
        }
      },
    });
  }
}
