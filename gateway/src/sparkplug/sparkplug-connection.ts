import {
  type BackoffPolicy,
  backoffDelay,
  type Clock,
  DEFAULT_BACKOFF,
  DEFAULTS,
  type SparkplugLink,
  type TimerHandle,
} from '@lifeline/core';
import { sendWithoutDelay } from '@lifeline/twin';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { mqttTlsOptions } from '../uplink/mqtt-tls-options.js';

export interface Will {
  readonly topic: string;
  readonly payload: Buffer;
}

export interface ConnectionEvents {
  /** Connected and subscribed (SUBACK received): the births may go out. */
  connected(): void;
  disconnected(): void;
  message(topic: string, payload: Buffer, retain: boolean): void;
}

/**
 * The MQTT connection of the edge node. Unlike an uplink it builds a new
 * client for every CONNECT, because each CONNECT carries its own Will: the
 * NDEATH with the next bdSeq (Sparkplug 3.0 §5.2 [tck-id-payloads-ndeath-will-message],
 * QoS 1 [tck-id-payloads-ndeath-will-message-qos], not retained
 * [tck-id-payloads-ndeath-will-message-retain]). It subscribes before it
 * reports `connected` [tck-id-message-flow-edge-node-birth-publish-subscribe];
 * it owns its reconnect timer (backoff with jitter on the gateway's clock).
 */
export class SparkplugConnection {
  readonly #link: SparkplugLink;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #will: () => Will;
  readonly #filters: readonly string[];
  readonly #events: ConnectionEvents;
  readonly #backoff: BackoffPolicy;
  #client: MqttClient | undefined;
  #ready = false;
  #running = false;
  #attempt = 0;
  #timer: TimerHandle | undefined;

  constructor(
    options: { link: SparkplugLink; clock: Clock; log: Logger; will: () => Will; filters: readonly string[]; backoff?: BackoffPolicy },
    events: ConnectionEvents,
  ) {
    this.#link = options.link;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#will = options.will;
    this.#filters = options.filters;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#events = events;
  }

  get connected(): boolean {
    return this.#ready && (this.#client?.connected ?? false);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#connect();
  }

  /** QoS 0, not retained (§6.4: every edge node message but the NDEATH); resolves once written. */
  async publish(topic: string, payload: Buffer, qos: 0 | 1 = 0): Promise<void> {
    const client = this.#client;
    if (!client?.connected) throw new Error('not connected');
    await client.publishAsync(topic, payload, { qos, retain: false });
  }

  /** Ends this session with `goodbye` (an NDEATH, QoS 1), then connects again after a backoff. */
  async terminate(goodbye: Will): Promise<void> {
    await this.#end(goodbye);
    if (this.#running) this.#schedule();
  }

  /** A clean stop: the explicit NDEATH [tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath], then DISCONNECT. */
  async stop(goodbye: Will): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#end(goodbye);
  }

  async #end(goodbye: Will): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    const wasReady = this.#ready;
    this.#ready = false;
    if (!client) return;
    if (client.connected) await client.publishAsync(goodbye.topic, goodbye.payload, { qos: 1, retain: false }).catch(() => undefined);
    await client.endAsync(!client.connected).catch(() => undefined);
    if (wasReady) this.#events.disconnected();
  }

  #connect(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    const will = this.#will();
    const client = sendWithoutDelay(connect(this.#link.url, this.#options(will)));
    this.#client = client;
    client.on('connect', () => void this.#subscribe(client));
    client.on('message', (topic, payload, packet) => {
      if (this.#client === client) this.#events.message(topic, payload, packet.retain);
    });
    client.on('error', (err) => {
      if (this.#client === client) this.#log.warn({ url: this.#link.url, err: err.message }, 'sparkplug link error');
    });
    client.on('close', () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.end(true);
      const wasReady = this.#ready;
      this.#ready = false;
      if (wasReady) this.#events.disconnected();
      this.#schedule();
    });
  }

  async #subscribe(client: MqttClient): Promise<void> {
    try {
      await client.subscribeAsync([...this.#filters], { qos: 1 });
    } catch (e) {
      this.#log.warn({ err: (e as Error).message }, 'sparkplug subscribe failed');
      client.end(true);
      return;
    }
    if (this.#client !== client) return;
    this.#attempt = 0;
    this.#ready = true;
    this.#log.info({ url: this.#link.url }, 'sparkplug link connected');
    this.#events.connected();
  }

  #schedule(): void {
    if (!this.#running || this.#timer !== undefined) return;
    this.#attempt += 1;
    this.#timer = this.#clock.setTimeout(() => this.#connect(), backoffDelay(this.#attempt, this.#backoff));
  }

  #options(will: Will): IClientOptions {
    const l = this.#link;
    const tls = l.tls;
    return {
      clientId: l.clientId as string,
      protocolVersion: l.protocolVersion,
      // §5.2: a clean session (3.1.1) / clean start with no session expiry (5) [tck-id-principles-persistence-clean-session-311, -50].
      clean: true,
      keepalive: l.keepaliveS ?? DEFAULTS.mqttKeepaliveS,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: { topic: will.topic, payload: will.payload, qos: 1, retain: false },
      ...(l.username !== undefined ? { username: l.username } : {}),
      ...(l.password !== undefined ? { password: l.password } : {}),
      ...mqttTlsOptions(tls),
    };
  }
}
