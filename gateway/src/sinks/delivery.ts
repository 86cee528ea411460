import { join } from 'node:path';
import type { Clock, InfluxConfig, Reading, SiteConfig } from '@lifeline/core';
import { DEFAULT_BACKOFF } from '@lifeline/core';
import { gatewayTopics, type TelemetryBatch } from '@lifeline/twin';
import type { Logger } from 'pino';
import { gatewayError } from '../errors.js';
import type { HistoryStore } from '../store/history-store.js';
import { LocalHistory } from '../store/local-history.js';
import { Outbox } from '../store/outbox.js';
import type { SinkHealth } from '../store/outbox-sink.js';
import type { Lane, OutboxStore, SinkLanes } from '../store/outbox-store.js';
import { SqliteHistoryStore } from '../store/sqlite-history-store.js';
import { SqliteOutboxStore } from '../store/sqlite-outbox-store.js';
import { TelemetryReporter } from '../telemetry/telemetry-reporter.js';
import { MqttUplink } from '../uplink/mqtt-uplink.js';
import { INFLUX_LANES, InfluxSink, type LineWriter } from './influx-sink.js';
import { InfluxV1Writer } from './influx-v1-writer.js';
import { InfluxV2Writer } from './influx-v2-writer.js';
import { MqttSink } from './mqtt-sink.js';

const ALL_LANES: readonly Lane[] = ['alarm', 'twin', 'telemetry'];

export interface DeliveryOptions {
  readonly bootId: string;
  readonly version: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Defaults to SQLite at `${stateDir}/outbox.db`. */
  readonly store?: (sinks: SinkLanes) => OutboxStore;
  /** Defaults to SQLite at `${stateDir}/history.db`. */
  readonly historyStore?: () => HistoryStore;
}

/**
 * Everything between the pipeline and the servers: the durable outbox, its
 * sinks (centre MQTT, local broker, InfluxDB) and telemetry reporting.
 * `centre` exists from construction, so subscribers can register before start.
 */
export class Delivery {
  readonly outbox: Outbox;
  readonly telemetry: TelemetryReporter | undefined;
  /** Downsampled local history for the dashboard's trends: `history.trend(device, point, fromMs, toMs)`. */
  readonly history: LocalHistory;
  /** The centre link, for `subscribe()` to `twin/desired` and `cmd/*`; undefined without a centre. */
  readonly centre: MqttUplink | undefined;
  readonly #config: SiteConfig;
  readonly #options: DeliveryOptions;
  #local: MqttUplink | undefined;
  readonly #subscriptions: { filter: string; handler: (topic: string, payload: Buffer, link: 'centre' | 'local') => void }[] = [];

  constructor(config: SiteConfig, options: DeliveryOptions) {
    this.#config = config;
    this.#options = options;
    const topics = gatewayTopics(config.site, config.gateway);
    const sinks: Record<string, readonly Lane[]> = {};
    if (config.mqtt.local.enabled) sinks.local = ALL_LANES;
    if (config.mqtt.centre) sinks.centre = ALL_LANES;
    for (const influx of config.delivery.influx) sinks[influx.name] = INFLUX_LANES;
    const store = (options.store ?? ((s) => openSqlite(config, s)))(sinks);
    this.outbox = new Outbox(store, options.clock, options.log, {
      batch: { alarm: 100, twin: 50, telemetry: 50 },
      replayRatePerS: config.delivery.outbox.replayRatePerS,
      backoff: DEFAULT_BACKOFF,
    });
    this.history = new LocalHistory(
      (options.historyStore ?? (() => new SqliteHistoryStore(join(config.stateDir, 'history.db'))))(),
      options.clock,
    );
    const centre = config.mqtt.centre;
    this.centre = centre
      ? new MqttUplink(
          {
            ...this.#common(),
            name: 'centre',
            ...centre,
            clientId: centre.clientId ?? this.#clientId(),
          },
          options.log,
        )
      : undefined;
    const t = config.delivery.telemetry;
    const units = new Map(config.devices.flatMap((d) => d.points.map((p) => [`${d.id}/${p.id}`, p.unit] as const)));
    this.telemetry = t.enabled
      ? new TelemetryReporter(
          { ...t, bootId: options.bootId, unitOf: (device, point) => units.get(`${device}/${point}`) ?? '' },
          options.clock,
          (batch: TelemetryBatch) => this.outbox.enqueue({ lane: 'telemetry', topic: topics.telemetry, payload: JSON.stringify(batch) }),
        )
      : undefined;
  }

  /**
   * Subscribes on the centre link now and on the local broker link once it
   * exists (HMI commands); both re-subscribe on every reconnect. `link` says
   * where a message came from.
   */
  subscribe(filter: string, handler: (topic: string, payload: Buffer, link: 'centre' | 'local') => void): void {
    this.#subscriptions.push({ filter, handler });
    this.centre?.subscribe(filter, (topic, payload) => handler(topic, payload, 'centre'));
    this.#local?.subscribe(filter, (topic, payload) => handler(topic, payload, 'local'));
  }

  /** Every batch of readings from the pollers: telemetry by exception, and the local history. */
  offer(readings: readonly Reading[]): void {
    this.telemetry?.offer(readings);
    this.history.record(readings);
  }

  /** Builds the sinks (the local one needs the broker's port) and starts delivering. */
  start(localPort: number | undefined, localCredentials?: { username: string; password: string }): void {
    const log = this.#options.log;
    if (localPort !== undefined) {
      this.#local = new MqttUplink(
        {
          ...this.#common(),
          name: 'local',
          url: `mqtt://127.0.0.1:${localPort}`,
          clientId: this.#clientId(),
          protocolVersion: 4,
          ...(localCredentials ?? {}),
        },
        log,
      );
      for (const { filter, handler } of this.#subscriptions) {
        this.#local.subscribe(filter, (topic, payload) => handler(topic, payload, 'local'));
      }
      this.outbox.addSink(new MqttSink(this.#local));
    }
    if (this.centre) this.outbox.addSink(new MqttSink(this.centre));
    const identity = { site: this.#config.site, gateway: this.#config.gateway };
    for (const influx of this.#config.delivery.influx) {
      this.outbox.addSink(new InfluxSink(influx.name, writerFor(influx), identity, log));
    }
    this.outbox.start();
    this.history.start();
  }

  /** The MQTT links (local broker, centre) once started: the twin publishes and subscribes on them. */
  links(): MqttUplink[] {
    return [this.#local, this.centre].filter((l): l is MqttUplink => l !== undefined);
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

  #common() {
    return {
      clock: this.#options.clock,
      topics: gatewayTopics(this.#config.site, this.#config.gateway),
      bootId: this.#options.bootId,
      version: this.#options.version,
    };
  }

  #clientId(): string {
    return `lifeline-${this.#config.site}-${this.#config.gateway}`;
  }
}

function openSqlite(config: SiteConfig, sinks: SinkLanes): OutboxStore {
  const file = join(config.stateDir, 'outbox.db');
  try {
    return new SqliteOutboxStore(file, {
      sinks,
      budgetBytes: config.delivery.outbox.budgetBytes,
      telemetryRetentionMs: config.delivery.outbox.telemetryRetentionMs,
    });
  } catch (e) {
    throw Object.assign(gatewayError('LL_ERR_STORE_OPEN', file, (e as Error).message), { cause: e });
  }
}

function writerFor(influx: InfluxConfig): LineWriter {
  const sink = influx.name;
  if (influx.version === 1) return new InfluxV1Writer({ sink, ...influx });
  return new InfluxV2Writer({ sink, ...influx });
}

function linkOf(health: SinkHealth): { connected: boolean; lastError?: SinkHealth['lastError'] } {
  return { connected: health.ready, ...(health.lastError ? { lastError: health.lastError } : {}) };
}
