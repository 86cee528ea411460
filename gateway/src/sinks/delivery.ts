import { join } from 'node:path';
import { type Clock, DEFAULT_BACKOFF, type Reading, type SiteConfig } from '@lifeline/core';
import { gatewayTopics, type TelemetryBatch } from '@lifeline/twin';
import type { Logger } from 'pino';
import { gatewayError } from '../errors.js';
import type { HistoryStore } from '../store/history-store.js';
import { LocalHistory } from '../store/local-history.js';
import { Outbox } from '../store/outbox.js';
import { entryOf } from '../store/outbox-record.js';
import type { SinkHealth } from '../store/outbox-sink.js';
import type { Lane, OutboxStore, SinkLanes } from '../store/outbox-store.js';
import { SqliteHistoryStore } from '../store/sqlite-history-store.js';
import { SqliteOutboxStore } from '../store/sqlite-outbox-store.js';
import { TelemetryReporter } from '../telemetry/telemetry-reporter.js';
import type { MqttUplink } from '../uplink/mqtt-uplink.js';
import { MqttSink } from './mqtt-sink.js';
import type { SinkContext } from './sink-kind.js';
import { type PlannedSink, SinkRegistry, sinkLanesOf } from './sink-registry.js';

/** Records per delivery, per lane: alarms in larger batches so a burst drains in few round trips. */
const BATCH: Readonly<Record<Lane, number>> = { alarm: 100, twin: 50, telemetry: 50 };

export interface DeliveryOptions {
  readonly bootId: string;
  readonly version: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Defaults to SQLite at `${stateDir}/outbox.db`. */
  readonly store?: (sinks: SinkLanes) => OutboxStore;
  /** Defaults to SQLite at `${stateDir}/history.db`. */
  readonly historyStore?: () => HistoryStore;
  /** The sink kinds to build from the config; defaults to the built-in ones (sink-registry.ts). */
  readonly sinks?: SinkRegistry;
  /** What sinks that mirror the gateway (Sparkplug) read: the bus, live values, the device writer. */
  readonly gateway?: SinkContext['gateway'];
}

type Subscriber = (topic: string, payload: Buffer, link: string) => void;

/**
 * Everything between the pipeline and the servers: the durable outbox, its
 * sinks (planned from the site config through the sink registry: centre MQTT,
 * local broker, InfluxDB) and telemetry reporting. The plan is made once, at
 * construction: the store keeps records for exactly the planned sinks, and
 * `start` builds and adds each planned sink once.
 */
export class Delivery {
  readonly outbox: Outbox;
  readonly telemetry: TelemetryReporter | undefined;
  /** Downsampled local history for the dashboard's trends: `history.trend(device, point, fromMs, toMs)`. */
  readonly history: LocalHistory;
  readonly #config: SiteConfig;
  readonly #options: DeliveryOptions;
  readonly #plan: readonly PlannedSink[];
  readonly #subscriptions: { filter: string; handler: Subscriber }[] = [];

  constructor(config: SiteConfig, options: DeliveryOptions) {
    this.#config = config;
    this.#options = options;
    const topics = gatewayTopics(config.site, config.gateway);
    this.#plan = (options.sinks ?? new SinkRegistry()).plan(config);
    const store = (options.store ?? ((s) => openSqlite(config, s, options.clock)))(sinkLanesOf(this.#plan));
    this.outbox = new Outbox(store, options.clock, options.log, {
      batch: BATCH,
      replayRatePerS: config.delivery.outbox.replayRatePerS,
      syncEveryMs: config.delivery.outbox.syncIntervalMs,
      backoff: DEFAULT_BACKOFF,
    });
    this.history = new LocalHistory(
      (options.historyStore ?? (() => new SqliteHistoryStore(join(config.stateDir, 'history.db'))))(),
      options.clock,
    );
    const t = config.delivery.telemetry;
    const units = new Map(config.devices.flatMap((d) => d.points.map((p) => [`${d.id}/${p.id}`, p.unit] as const)));
    this.telemetry = t.enabled
      ? new TelemetryReporter(
          { ...t, bootId: options.bootId, unitOf: (device, point) => units.get(`${device}/${point}`) ?? '' },
          options.clock,
          (batch: TelemetryBatch) => this.outbox.enqueue(entryOf('telemetry', topics.telemetry, JSON.stringify(batch))),
        )
      : undefined;
  }

  /** The centre link once started, for `subscribe()` to `twin/desired` and `cmd/*`; undefined without a centre. */
  get centre(): MqttUplink | undefined {
    return this.links().find((l) => l.name === 'centre');
  }

  /**
   * Subscribes on every MQTT link (the centre; the local broker for HMI
   * commands), now if started, else at start; links re-subscribe on every
   * reconnect. `link` names where a message came from (`centre`, `local`).
   */
  subscribe(filter: string, handler: Subscriber): void {
    this.#subscriptions.push({ filter, handler });
    for (const link of this.links()) link.subscribe(filter, (topic, payload) => handler(topic, payload, link.name));
  }

  /** Every batch of readings from the pollers: telemetry by exception, and the local history. */
  offer(readings: readonly Reading[]): void {
    this.telemetry?.offer(readings);
    this.history.record(readings);
  }

  /** Builds the planned sinks (the local one needs the broker's port) and starts delivering. */
  start(localPort: number | undefined, localCredentials?: { username: string; password: string }, localTls = false): void {
    const o = this.#options;
    const context: SinkContext = {
      config: this.#config,
      clock: o.clock,
      log: o.log,
      bootId: o.bootId,
      version: o.version,
      ...(o.gateway ? { gateway: o.gateway } : {}),
      ...(localPort !== undefined
        ? { localBroker: { port: localPort, tls: localTls, ...(localCredentials ? { credentials: localCredentials } : {}) } }
        : {}),
    };
    for (const planned of this.#plan) this.outbox.addSink(planned.kind.create(planned.spec, context));
    for (const link of this.links()) {
      for (const { filter, handler } of this.#subscriptions) link.subscribe(filter, (topic, payload) => handler(topic, payload, link.name));
    }
    this.outbox.start();
    this.history.start();
  }

  /** The MQTT links (local broker, centre) once started: the twin subscribes and answers on them. */
  links(): MqttUplink[] {
    return this.outbox.sinks.filter((s): s is MqttSink => s instanceof MqttSink).map((s) => s.uplink);
  }

  /** Flushes the open telemetry batch, stops the sinks (status offline), closes the stores. Idempotent. */
  async stop(): Promise<void> {
    this.telemetry?.stop();
    await this.outbox.stop();
    this.outbox.close();
    this.history.stop();
  }

  /** Link health for `/api/health` and the twin: each sink's readiness and last failure. */
  uplinks(): Record<string, { connected: boolean; lastError?: { code: string; message: string; at: string } }> {
    return Object.fromEntries(Object.entries(this.outbox.view().sinks).map(([name, h]) => [name, linkOf(h)]));
  }

  /** The outbox as `/api/outbox` and /metrics show it (OutboxSource): depth per lane, per sink its backlog, cursors and link, what the budget dropped. */
  stats() {
    const { stats, sinks: health } = this.outbox.view();
    const sinks = Object.fromEntries(
      Object.entries(stats.sinks).map(([name, lanes]) => {
        const pending = Object.values(lanes).reduce((n, l) => n + (l?.pending ?? 0), 0);
        const link = health[name] ? linkOf(health[name]) : { connected: false };
        return [name, { pending, ...link, lanes }];
      }),
    );
    return { lanes: stats.lanes, sinks, dropped: stats.evicted + stats.expired };
  }
}

function openSqlite(config: SiteConfig, sinks: SinkLanes, clock: Clock): OutboxStore {
  const file = join(config.stateDir, 'outbox.db');
  try {
    return new SqliteOutboxStore(file, {
      sinks,
      now: () => clock.now(),
      budgetBytes: config.delivery.outbox.budgetBytes,
      telemetryRetentionMs: config.delivery.outbox.telemetryRetentionMs,
    });
  } catch (e) {
    throw Object.assign(gatewayError('LL_ERR_STORE_OPEN', file, (e as Error).message), { cause: e });
  }
}

function linkOf(health: SinkHealth): { connected: boolean; lastError?: SinkHealth['lastError']; rejected?: SinkHealth['rejected'] } {
  return {
    connected: health.ready,
    ...(health.lastError ? { lastError: health.lastError } : {}),
    ...(health.rejected ? { rejected: health.rejected } : {}),
  };
}
