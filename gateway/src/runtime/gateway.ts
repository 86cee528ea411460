import { randomUUID } from 'node:crypto';
import { type Clock, checkExposure, listenOrExplain, type SiteConfig, systemClock } from '@lifeline/core';
import { type AlarmEvent, gatewayTopics } from '@lifeline/twin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AcquisitionManager } from '../acquisition/acquisition-manager.js';
import type { DeviceWriter } from '../acquisition/device-writer.js';
import type { DriverRegistry } from '../acquisition/driver-registry.js';
import { AlarmEngine } from '../alarms/alarm-engine.js';
import { openAlarmJournalReader, type SqliteAlarmJournalReader } from '../alarms/alarm-journal-reader.js';
import { AlarmPublisher } from '../alarms/alarm-publisher.js';
import type { AlarmStateStore } from '../alarms/alarm-state-store.js';
import type { AlarmTransition } from '../alarms/alarm-transition.js';
import { DesignSuppression } from '../alarms/design-suppression.js';
import { openAlarmStore } from '../alarms/sqlite-alarm-state-store.js';
import { testCrashPoint } from '../alarms/test-crash-point.js';
import { AlarmAnalytics } from '../analytics/alarm-analytics.js';
import type { AnalyticsSnapshot } from '../analytics/analytics-snapshot.js';
import { twinAnalyticsOf } from '../analytics/analytics-snapshot.js';
import { autoShelveDecision, type ChatterStart } from '../analytics/auto-shelve.js';
import { type AuditLog, openAuditLog } from '../audit/audit-log.js';
import type { EventBus } from '../events/event-bus.js';
import { type GatewayEventSource, type GatewayEvents, gatewayBus } from '../events/gateway-events.js';
import { LiveState } from '../events/live-state.js';
import type { GatewayView } from '../http/gateway-view.js';
import { buildHttpServer } from '../http/http-server.js';
import { Delivery } from '../sinks/delivery.js';
import type { SinkRegistry } from '../sinks/sink-registry.js';
import { outboxBacklog } from '../store/outbox-store.js';
import { loadTlsMaterial } from '../transports/tls-material.js';
import { alarmControlOf, GatewayTwin, outboxTwinChanges } from '../twin/index.js';
import { LocalBroker } from '../uplink/local-broker.js';
import { GATEWAY_VERSION } from '../version.js';

export interface GatewayOptions {
  readonly log: Logger;
  readonly clock?: Clock;
  /** Writes device outputs for local actions; without one, actions fail and raise their action alarm. */
  readonly writer?: DeviceWriter;
  /** The transports devices may use; the built-in Modbus and OPC UA drivers unless a test brings its own. */
  readonly drivers?: DriverRegistry;
  /** The sink kinds the site config may ask for; the built-in ones unless a test brings its own. */
  readonly sinks?: SinkRegistry;
}

export interface GatewayEndpoints {
  readonly httpPort: number;
  readonly mqttPort: number | undefined;
}

/**
 * One running gateway: acquisition → alarm engine → publisher → uplinks, with the
 * local broker and the HTTP server. `start()` and `stop()` are idempotent;
 * what start built, stop tears down in reverse order.
 */
export class Gateway {
  readonly config: SiteConfig;
  readonly bootId = randomUUID();
  readonly live = new LiveState();
  /** The events between pipeline stages (readings, comm, alarm); the twin, HTTP and delivery subscribe. */
  readonly events: GatewayEventSource;
  /** Device reads, writes (DeviceWriter) and per-device health (AcquisitionHealth). */
  readonly acquisition: AcquisitionManager;
  readonly #log: Logger;
  readonly #clock: Clock;
  /** Only the pipeline emits; everyone else gets `events`. */
  readonly #bus: EventBus<GatewayEvents>;
  readonly #engine: AlarmEngine;
  readonly #alarmStore: AlarmStateStore;
  /** A read-only connection to alarms.db for the journal page (filters, search, CSV). */
  readonly #journal: SqliteAlarmJournalReader;
  /** Every ack, shelve, limit change and command, accepted or refused, with principal and origin. */
  readonly #audit: AuditLog;
  readonly #publisher: AlarmPublisher;
  /** ISA-18.2 / EEMUA 191 measures of the alarm load, from the bus (analytics/). */
  readonly #analytics: AlarmAnalytics;
  readonly #suppression: DesignSuppression;
  #stopped = false;
  readonly #broker = new LocalBroker();
  /** Outbox, sinks and telemetry; `delivery.centre.subscribe(…)` for centre → gateway topics. */
  readonly delivery: Delivery;
  #twin: GatewayTwin | undefined;
  #http: FastifyInstance | undefined;
  #endpoints: GatewayEndpoints | undefined;
  #startedAt = 0;

  constructor(config: SiteConfig, options: GatewayOptions) {
    this.config = config;
    this.#log = options.log.child({ site: config.site, gateway: config.gateway });
    this.#clock = options.clock ?? systemClock;
    this.#bus = gatewayBus(this.#log);
    this.events = this.#bus;
    const topics = gatewayTopics(config.site, config.gateway);
    this.acquisition = new AcquisitionManager(config.devices, {
      clock: this.#clock,
      log: this.#log,
      stateDir: config.stateDir,
      ...(options.drivers ? { drivers: options.drivers } : {}),
    });
    // Alarm state is restored here, before acquisition starts, so the first evaluation sees it.
    this.#alarmStore = openAlarmStore(config.stateDir, config.alarms.historyRows, this.#clock);
    this.#audit = openAuditLog(config.stateDir, config.alarms.historyRows);
    this.#journal = openAlarmJournalReader(config.stateDir);
    this.#engine = new AlarmEngine(config.devices, this.#clock, {
      store: this.#alarmStore,
      actions: config.actions,
      // Local actions write through acquisition (queued ahead of polls, read back) unless a test injects a writer.
      writer: options.writer ?? this.acquisition,
      log: this.#log,
      keepSuppressed: (id) => this.#suppression.holds(id),
    });
    this.#suppression = new DesignSuppression(config.alarms.suppression, this.#engine);
    this.#analytics = new AlarmAnalytics({
      config: config.alarms.analytics,
      gateway: config.gateway,
      clock: this.#clock,
      // After the event that caused them has run its course (published, journalled): the centre sees cause first.
      publish: (t) =>
        queueMicrotask(() => {
          if (!this.#stopped) this.#publishTransition(t);
        }),
      onChatter: (c) => queueMicrotask(() => this.#autoShelve(c)),
      onChange: (snapshot) => this.#bus.emit('analytics', twinAnalyticsOf(snapshot)),
    });
    this.#analytics.seed(this.#engine.activeAlarms());
    this.delivery = new Delivery(config, {
      bootId: this.bootId,
      version: GATEWAY_VERSION,
      clock: this.#clock,
      log: this.#log,
      ...(options.sinks ? { sinks: options.sinks } : {}),
      gateway: {
        events: this.events,
        writer: options.writer ?? this.acquisition,
        readings: () => this.live.readings(),
        comm: (device) => this.live.comm(device),
        activeAlarms: () => this.#engine.activeAlarms(),
      },
    });
    this.#publisher = new AlarmPublisher(
      { site: config.site, gateway: config.gateway, bootId: this.bootId },
      topics.alarms,
      this.delivery.outbox,
      this.#clock,
    );
    this.#wirePipeline();
  }

  /** Ack, shelve and run-time limits for the HTTP API, MQTT commands and the twin. */
  get alarms(): AlarmEngine {
    return this.#engine;
  }

  /** The alarm analytics now (rate, flood, chattering, bad actors, standing alarms, stale shelves). */
  analytics(): AnalyticsSnapshot {
    return this.#analytics.snapshot();
  }

  /** The reported twin and its protocol handler, while running. */
  get twin(): GatewayTwin | undefined {
    return this.#twin;
  }

  get endpoints(): GatewayEndpoints | undefined {
    return this.#endpoints;
  }

  async start(): Promise<GatewayEndpoints> {
    if (this.#endpoints) return this.#endpoints;
    this.#startedAt = this.#clock.now();
    try {
      const mqttPort = await this.#startBroker();
      // The gateway always logs in to its broker: only it may publish its status, twin, alarms and telemetry.
      this.delivery.start(mqttPort, this.#broker.gatewayCredentials, this.config.mqtt.local.tls !== undefined);
      this.#startTwin();
      this.#engine.start();
      this.#suppression.resume();
      this.#analytics.start();
      this.acquisition.start();
      const httpPort = await this.#startHttp();
      this.#endpoints = { httpPort, mqttPort };
      this.#log.info({ ...this.#endpoints, bootId: this.bootId }, 'gateway started');
      return this.#endpoints;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#analytics.stop();
    await this.#http?.close();
    this.#http = undefined;
    this.#twin?.flush();
    this.#twin?.stop();
    this.#twin = undefined;
    await this.acquisition.stop();
    this.#engine.stop();
    await this.delivery.stop();
    await this.#broker.stop();
    // Everything is saved per transition; closing checkpoints the WAL. A stopped gateway is not started again.
    this.#journal.close();
    this.#alarmStore.close();
    this.#audit.close();
    this.#endpoints = undefined;
  }

  /** `/api/twin`: the current reported document (pending changes included), shaped as the retained twin. */
  #reportedTwin() {
    const twin = this.#twin?.twin;
    if (!twin) return { version: 0, site: this.config.site, gateway: this.config.gateway, bootId: this.bootId, reported: null };
    return { ...twin.identity, version: twin.version, ts: new Date(this.#clock.now()).toISOString(), reported: twin.reported };
  }

  /** The twin subscribes in the same tick the links start connecting, so it sees every birth (docs/twin.md). */
  #startTwin(): void {
    this.#twin = new GatewayTwin({
      config: this.config,
      bootId: this.bootId,
      softwareVersion: GATEWAY_VERSION,
      events: this.events,
      alarms: alarmControlOf(this.#engine),
      clock: this.#clock,
      log: this.#log,
      startedAt: this.#startedAt,
      deviceHealth: () => this.acquisition.deviceHealth(),
      outboxBacklog: () => outboxBacklog(this.delivery.outbox.view().stats),
      // Twin changes go through the outbox's twin lane, so they survive outages and restarts (docs/twin.md).
      changes: outboxTwinChanges(this.delivery.outbox, gatewayTopics(this.config.site, this.config.gateway)),
      audit: this.#audit,
    });
    this.#twin.start(this.delivery.links());
  }

  /**
   * The pipeline of DESIGN.md §3: decode (in acquisition) → alarms → publish, called directly so
   * nothing on the bus can delay or break the alarm path; then the bus for everything else.
   */
  #wirePipeline(): void {
    this.live.attach(this.events);
    this.events.on('readings', (readings) => this.delivery.offer(readings));
    this.acquisition.on('readings', (readings) => {
      for (const reading of readings) this.#engine.evaluate(reading);
      this.#bus.emit('readings', readings);
    });
    this.acquisition.on('comm', (device, state, reason) => {
      this.#bus.emit('comm', reason === undefined ? { device, state } : { device, state, reason });
      if (state === 'online' || state === 'offline') this.#engine.deviceComm(device, state === 'online', reason);
    });
    // The engine saved the transition as pending; once the outbox has committed it, the journal keeps it as published.
    this.#engine.on('transition', (transition) => {
      testCrashPoint('before-outbox');
      this.#publishTransition(transition, (event) => {
        testCrashPoint('after-outbox');
        this.#alarmStore.recordPublished(event);
      });
    });
    this.#engine.on('condition', (alarmId, active) => this.#suppression.onCondition(alarmId, active));
    this.#analytics.attach(this.events);
  }

  /** Commits a transition to the outbox, then `committed` (the engine's journal), the log and the bus. */
  #publishTransition(transition: AlarmTransition, committed?: (event: AlarmEvent) => void): void {
    const event = this.#publisher.publish(transition);
    committed?.(event);
    this.#log.info({ alarmId: event.alarmId, event: event.event, value: event.value, seq: event.seq }, 'alarm');
    this.#bus.emit('alarm', event);
  }

  /** The opt-in auto-shelve of a chattering alarm (alarms.autoShelve): published and journalled as user `system`. */
  #autoShelve(chatter: ChatterStart): void {
    const decision = autoShelveDecision(chatter, this.config.alarms.autoShelve);
    if (!decision || this.#stopped) return;
    const result = this.#engine.shelve(decision.alarmId, decision.durationMs, { user: 'system', comment: decision.comment });
    this.#audit.record({
      ts: new Date(this.#clock.now()).toISOString(),
      origin: 'gateway',
      principal: 'system',
      action: 'shelve',
      target: decision.alarmId,
      outcome: result.ok ? 'accepted' : 'refused',
      ...(result.ok ? {} : { code: result.code }),
    });
    if (!result.ok) this.#log.warn({ alarmId: decision.alarmId, reason: result.reason }, 'auto-shelve refused');
  }

  async #startBroker(): Promise<number | undefined> {
    const local = this.config.mqtt.local;
    if (!local.enabled) return undefined;
    const topics = gatewayTopics(this.config.site, this.config.gateway);
    const tls = local.tls ? await loadTlsMaterial(local.tls, this.config.stateDir, 'mqtt', 'local MQTT broker') : undefined;
    return this.#broker.start(
      {
        host: local.host,
        port: local.port,
        users: local.users,
        topics,
        allowInsecure: local.allowInsecure,
        maxPacketBytes: local.maxPacketBytes,
        audit: { sink: this.#audit, now: () => this.#clock.now() },
        ...(tls ? { tls } : {}),
      },
      this.#log,
    );
  }

  async #startHttp(): Promise<number> {
    const view: GatewayView = {
      config: this.config,
      bootId: this.bootId,
      version: GATEWAY_VERSION,
      startedAt: this.#startedAt,
      clock: this.#clock,
      live: this.live,
      events: this.events,
      activeAlarms: () => [...this.#engine.activeAlarms(), ...this.#analytics.activeAlarms()],
      analytics: () => this.#analytics.snapshot(),
      alarmJournal: this.#alarmStore,
      alarmJournalQuery: this.#journal,
      uplinks: () => this.delivery.uplinks(),
      deviceHealth: () => this.acquisition.deviceHealth(),
      alarmControl: alarmControlOf(this.#engine),
      outbox: this.delivery,
      durableHistory: this.delivery.history,
      twin: { reported: () => this.#reportedTwin() },
      acquisition: this.acquisition,
      audit: this.#audit,
    };
    const http = this.config.http;
    // Off loopback every request must carry a token: tokens, and no anonymous reads (docs/security.md).
    const exposure = checkExposure({
      what: 'HTTP API',
      host: http.host,
      authenticated: http.tokens.length > 0 && http.anonymous === 'none',
      allowInsecure: http.allowInsecure,
      configKey: 'http',
    });
    if (exposure.warning) this.#log.warn(exposure.warning);
    const tls = http.tls ? await loadTlsMaterial(http.tls, this.config.stateDir, 'http', 'HTTP API') : undefined;
    const app = await buildHttpServer(view, this.#log, tls);
    this.#http = app;
    await app.ready();
    return listenOrExplain(app.server, 'http', 'HTTP dashboard', this.config.http.host, this.config.http.port);
  }
}
