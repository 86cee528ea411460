import { ALARM_STATES } from '@lifeline/twin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { GatewayView } from '../gateway-view.js';

/**
 * The gateway's Prometheus metrics, in a registry of its own (never the
 * global one, so two gateways in one process — tests, the demo — never clash).
 * Counters are fed by events (readings, polls); gauges are read from the
 * view when Prometheus scrapes, so they are never stale.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #detach: (() => void)[] = [];

  constructor(view: GatewayView) {
    const labels = { site: view.config.site, gateway: view.config.gateway };
    this.registry.setDefaultLabels(labels);
    // Process metrics and nodejs_eventloop_lag_* (perf_hooks.monitorEventLoopDelay).
    collectDefaultMetrics({ register: this.registry, prefix: 'lifeline_', eventLoopMonitoringPrecision: 20 });

    const readings = new Counter({
      name: 'lifeline_readings_total',
      help: 'Readings received, per device, point and quality',
      labelNames: ['device', 'point', 'quality'],
      registers: [this.registry],
    });
    this.#detach.push(
      view.events.on('readings', (batch) => {
        for (const r of batch) readings.inc({ device: r.device, point: r.point, quality: r.quality });
      }),
    );

    this.#alarmGauges(view);
    this.#linkGauges(view);
    this.#acquisition(view);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    for (const detach of this.#detach.splice(0)) detach();
    this.registry.clear();
  }

  #alarmGauges(view: GatewayView): void {
    new Gauge({
      name: 'lifeline_alarms',
      help: 'Alarms not in the normal state, by ISA-18.2 state and priority (1 red … 4 blue)',
      labelNames: ['state', 'priority'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const state of ALARM_STATES) {
          if (state === 'normal') continue;
          for (const priority of [1, 2, 3, 4]) this.set({ state, priority }, 0);
        }
        for (const a of view.activeAlarms()) this.inc({ state: a.state, priority: a.priority });
      },
    });
    new Gauge({
      name: 'lifeline_device_online',
      help: '1 when the device answers, 0 otherwise (comm state as a label)',
      labelNames: ['device', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const d of view.config.devices) {
          const { state } = view.live.comm(d.id);
          this.set({ device: d.id, state }, state === 'online' ? 1 : 0);
        }
      },
    });
  }

  #linkGauges(view: GatewayView): void {
    new Gauge({
      name: 'lifeline_uplink_connected',
      help: '1 when the uplink (local broker, centre) is connected',
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
      help: 'Entries waiting in the durable outbox, per lane (alarm > twin > telemetry)',
      labelNames: ['lane'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [lane, s] of Object.entries(outbox.stats().lanes)) this.set({ lane }, s.depth);
      },
    });
  }

  #acquisition(view: GatewayView): void {
    const source = view.acquisition;
    if (!source) return;
    const polls = new Counter({
      name: 'lifeline_polls_total',
      help: 'Poll cycles per device, by outcome (ok, error, timeout)',
      labelNames: ['device', 'outcome'],
      registers: [this.registry],
    });
    const timeouts = new Counter({
      name: 'lifeline_poll_timeouts_total',
      help: 'Poll cycles that got no answer in time, per device',
      labelNames: ['device'],
      registers: [this.registry],
    });
    const latency = new Histogram({
      name: 'lifeline_poll_latency_seconds',
      help: 'Request-to-response time of successful polls, per device',
      labelNames: ['device'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.#detach.push(
      source.subscribe((o) => {
        polls.inc({ device: o.device, outcome: o.ok ? 'ok' : o.timedOut ? 'timeout' : 'error' });
        if (o.timedOut) timeouts.inc({ device: o.device });
        if (o.ok) latency.observe({ device: o.device }, o.latencyMs / 1000);
      }),
    );
  }
}
