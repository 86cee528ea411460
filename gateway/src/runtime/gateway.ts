import { randomUUID } from 'node:crypto';
import { gatewayTopics } from '@lifeline/twin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ModbusPoller } from '../acquisition/modbus-poller.js';
import { AlarmEngine } from '../alarms/alarm-engine.js';
import { AlarmPublisher } from '../alarms/alarm-publisher.js';
import { listenOrExplain, type SiteConfig } from '../config/index.js';
import { alarmControlOf } from '../http/alarm-control-of.js';
import type { GatewayView } from '../http/gateway-view.js';
import { buildHttpServer } from '../http/http-server.js';
import { LocalBroker } from '../uplink/local-broker.js';
import { MqttUplink } from '../uplink/mqtt-uplink.js';
import { type Clock, systemClock } from './clock.js';
import { LiveState } from './live-state.js';
import { GATEWAY_VERSION } from './version.js';

export interface GatewayOptions {
  readonly log: Logger;
  readonly clock?: Clock;
}

export interface GatewayEndpoints {
  readonly httpPort: number;
  readonly mqttPort: number | undefined;
}

/**
 * One running gateway: pollers → alarm engine → publisher → uplinks, with the
 * local broker and the HTTP server. `start()` and `stop()` are idempotent;
 * what start built, stop tears down in reverse order.
 */
export class Gateway {
  readonly config: SiteConfig;
  readonly bootId = randomUUID();
  readonly live = new LiveState();
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #engine: AlarmEngine;
  readonly #publisher: AlarmPublisher;
  readonly #pollers: ModbusPoller[];
  readonly #uplinks: MqttUplink[] = [];
  readonly #broker = new LocalBroker();
  #http: FastifyInstance | undefined;
  #endpoints: GatewayEndpoints | undefined;
  #startedAt = 0;

  constructor(config: SiteConfig, options: GatewayOptions) {
    this.config = config;
    this.#log = options.log.child({ site: config.site, gateway: config.gateway });
    this.#clock = options.clock ?? systemClock;
    const topics = gatewayTopics(config.site, config.gateway);
    this.#engine = new AlarmEngine(config.devices, this.#clock);
    this.#publisher = new AlarmPublisher({ site: config.site, gateway: config.gateway, bootId: this.bootId }, topics.alarms);
    this.#pollers = config.devices.flatMap((d) => (d.transport === 'modbus' ? [new ModbusPoller(d, this.#clock, this.#log)] : []));
    this.#wirePipeline();
  }

  get endpoints(): GatewayEndpoints | undefined {
    return this.#endpoints;
  }

  async start(): Promise<GatewayEndpoints> {
    if (this.#endpoints) return this.#endpoints;
    this.#startedAt = Date.now();
    try {
      const mqttPort = await this.#startBroker();
      this.#startUplinks(mqttPort);
      for (const poller of this.#pollers) poller.start();
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
    await this.#http?.close();
    this.#http = undefined;
    await Promise.all(this.#pollers.map((p) => p.stop()));
    this.#engine.stop();
    await Promise.all(this.#uplinks.splice(0).map((u) => u.stop()));
    await this.#broker.stop();
    this.#endpoints = undefined;
  }

  /** The pipeline of DESIGN.md §3 for this slice: decode (in the poller) → alarms → publish. */
  #wirePipeline(): void {
    for (const poller of this.#pollers) {
      poller.on('readings', (readings) => {
        for (const reading of readings) this.#engine.evaluate(reading);
        this.live.updateReadings(readings);
      });
      poller.on('comm', (state, reason) => this.live.updateComm(poller.device.id, state, reason));
    }
    this.#engine.on('transition', (transition) => {
      const event = this.#publisher.publish(transition);
      this.#log.info({ alarmId: event.alarmId, event: event.event, value: event.value, seq: event.seq }, 'alarm');
      this.live.alarm(event);
    });
  }

  async #startBroker(): Promise<number | undefined> {
    const local = this.config.mqtt.local;
    if (!local.enabled) return undefined;
    return this.#broker.start(local.host, local.port, this.#log);
  }

  #startUplinks(localPort: number | undefined): void {
    const topics = gatewayTopics(this.config.site, this.config.gateway);
    const common = { topics, bootId: this.bootId, version: GATEWAY_VERSION };
    const clientId = `lifeline-${this.config.site}-${this.config.gateway}`;
    if (localPort !== undefined) {
      const url = `mqtt://127.0.0.1:${localPort}`;
      this.#uplinks.push(new MqttUplink({ ...common, name: 'local', url, clientId, protocolVersion: 4 }, this.#log));
    }
    const centre = this.config.mqtt.centre;
    if (centre) {
      this.#uplinks.push(new MqttUplink({ ...common, name: 'centre', ...centre, clientId: centre.clientId ?? clientId }, this.#log));
    }
    for (const uplink of this.#uplinks) uplink.start();
    this.#publisher.setSinks(this.#uplinks);
  }

  async #startHttp(): Promise<number> {
    const view: GatewayView = {
      config: this.config,
      bootId: this.bootId,
      version: GATEWAY_VERSION,
      startedAt: this.#startedAt,
      live: this.live,
      activeAlarms: () => this.#engine.activeAlarms(),
      uplinks: () => Object.fromEntries(this.#uplinks.map((u) => [u.name, { connected: u.connected }])),
      alarmControl: alarmControlOf(this.#engine),
    };
    const app = await buildHttpServer(view, this.#log);
    this.#http = app;
    await app.ready();
    return listenOrExplain(app.server, 'http', 'HTTP dashboard', this.config.http.host, this.config.http.port);
  }
}
