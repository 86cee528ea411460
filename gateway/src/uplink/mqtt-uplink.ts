import { type BackoffPolicy, backoffDelay, type Clock, DEFAULT_BACKOFF, DEFAULTS, systemClock, type TimerHandle } from '@lifeline/core';
import { type GatewayStatus, type GatewayTopics, sendWithoutDelay } from '@lifeline/twin';
import { connect, type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { gatewayError, type LifelineError } from '../errors.js';
import { settleMqttPacketCaches } from './mqtt-packet-caches.js';
import { mqttTlsOptions } from './mqtt-tls-options.js';
import { topicMatches } from './topic-filter.js';

export interface UplinkTls {
  /** PEM files: the CA that signed the broker's certificate, and the client's own certificate and key. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Verify the broker's certificate and host name (default true; turn off only on a test bench). */
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

export interface UplinkOptions {
  /** Names the link in logs and health: "local" or "centre". */
  readonly name: string;
  readonly url: string;
  readonly topics: GatewayTopics;
  readonly bootId: string;
  readonly version: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly protocolVersion: 4 | 5;
  readonly tls?: UplinkTls;
  readonly keepaliveS?: number;
  readonly backoff?: BackoffPolicy;
  /** How long a QoS 1 publish may wait for its PUBACK before it counts as failed. */
  readonly ackTimeoutMs?: number;
  /** The gateway's clock: PUBACK timeouts, online and error times, `status.ts` (tests inject fake timers). */
  readonly clock?: Clock;
}

type Handler = (topic: string, payload: Buffer, meta: { readonly retain: boolean }) => void;

/**
 * One MQTT link (MQTT.js) from the gateway to a broker. On every connect it
 * publishes a retained `status` {online: true} and re-subscribes every
 * filter (a clean session keeps none); its Last Will sets {online: false} if
 * the link dies; a clean stop publishes that itself. Reconnects back off
 * exponentially with jitter.
 */
/** How long a stop waits for the broker to acknowledge the offline status, and to end the session. */
const STOP_GOODBYE_MS = 2000;

export class MqttUplink {
  readonly name: string;
  readonly #options: UplinkOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #handlers = new Map<string, Handler[]>();
  readonly #connectListeners: (() => void)[] = [];
  #client: MqttClient | undefined;
  #attempt = 0;
  #onlineSince = 0;
  #lastError: LifelineError | undefined;
  #lastErrorAt = 0;

  constructor(options: UplinkOptions, log: Logger) {
    this.name = options.name;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = log.child({ uplink: options.name });
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** When the current connection came up (ms), 0 while offline. */
  get onlineSince(): number {
    return this.connected ? this.#onlineSince : 0;
  }

  get lastError(): { code: string; message: string; at: string } | undefined {
    const e = this.#lastError;
    return e ? { code: e.code, message: e.message, at: new Date(this.#lastErrorAt).toISOString() } : undefined;
  }

  onConnect(listener: () => void): void {
    this.#connectListeners.push(listener);
  }

  /**
   * Subscribes now (if connected) and on every reconnect, QoS 1. The handler
   * gets each message whose topic matches the filter.
   */
  subscribe(topicFilter: string, handler: Handler): void {
    const list = this.#handlers.get(topicFilter) ?? [];
    list.push(handler);
    this.#handlers.set(topicFilter, list);
    if (list.length === 1 && this.#client?.connected) this.#subscribeOne(this.#client, topicFilter);
  }

  start(): void {
    if (this.#client) return;
    const o = this.#options;
    settleMqttPacketCaches();
    const client = sendWithoutDelay(connect(o.url, this.#clientOptions()));
    this.#client = client;
    client.on('connect', () => {
      this.#attempt = 0;
      this.#onlineSince = this.#clock.now();
      this.#lastError = undefined;
      this.#log.info({ url: o.url, protocolVersion: o.protocolVersion }, 'mqtt uplink connected');
      this.publish(o.topics.status, JSON.stringify(this.#status(true)), { retain: true });
      for (const filter of this.#handlers.keys()) this.#subscribeOne(client, filter);
      for (const listener of this.#connectListeners) listener();
    });
    client.on('message', (topic, payload, packet) => {
      const meta = { retain: packet.retain };
      for (const [filter, handlers] of this.#handlers) {
        if (topicMatches(filter, topic)) for (const h of handlers) h(topic, payload, meta);
      }
    });
    client.on('close', () => {
      // MQTT.js reconnects after `reconnectPeriod`; stretch it per attempt (backoff with jitter).
      this.#attempt += 1;
      client.options.reconnectPeriod = backoffDelay(this.#attempt, o.backoff ?? DEFAULT_BACKOFF);
    });
    client.on('offline', () => this.#log.warn({ url: o.url }, 'mqtt uplink offline'));
    client.on('error', (err) => {
      // After stop() the client still reads: a message echoed back after the DISCONNECT (the twin subscribes to
      // its own status topic) is acknowledged on an ended socket. That is the shutdown, not a failed link.
      if (this.#client === client) this.#fail(err);
    });
  }

  /** Fire and forget, QoS 1 (status messages). */
  publish(topic: string, payload: string, opts: { retain?: boolean } = {}): void {
    this.#client?.publish(topic, payload, { qos: 1, retain: opts.retain ?? false }, (err) => {
      if (err) this.#log.warn({ topic, err: err.message }, 'mqtt publish failed');
    });
  }

  /**
   * QoS 1 publish that resolves on the broker's PUBACK [MQTT-4.3.2]. Refuses
   * while offline instead of queueing: the outbox is the queue.
   */
  async publishAcked(
    topic: string,
    payload: string,
    opts: { retain?: boolean; userProperties?: Record<string, string> } = {},
  ): Promise<void> {
    const client = this.#client;
    if (!client?.connected) throw gatewayError('LL_ERR_UPLINK_OFFLINE', this.name, this.#options.url);
    const publishOptions: IClientPublishOptions = {
      qos: 1,
      retain: opts.retain ?? false,
      ...(opts.userProperties && this.#options.protocolVersion === 5 ? { properties: { userProperties: opts.userProperties } } : {}),
    };
    const timeoutMs = this.#options.ackTimeoutMs ?? DEFAULTS.mqttAckTimeoutMs;
    const clock = this.#clock;
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(gatewayError('LL_ERR_UPLINK_TIMEOUT', this.name, timeoutMs)), timeoutMs);
    });
    try {
      await Promise.race([client.publishAsync(topic, payload, publishOptions), timeout]);
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
  }

  /** Says goodbye with a retained offline status (a clean disconnect suppresses the Will). */
  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    // A half-open link (a stalled broker) never acknowledges: the goodbye gets a bound, and
    // without its PUBACK the end is forced, so a stop never waits on the peer (issue 18).
    let acknowledged = false;
    if (client.connected) {
      acknowledged = await this.#within(
        client.publishAsync(this.#options.topics.status, JSON.stringify(this.#status(false)), { qos: 1, retain: true }),
        STOP_GOODBYE_MS,
      );
    }
    if (!(await this.#within(client.endAsync(!acknowledged), STOP_GOODBYE_MS))) await client.endAsync(true).catch(() => undefined);
  }

  /** True if `p` settled successfully within `ms` on the gateway's clock. */
  async #within(p: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: TimerHandle | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = this.#clock.setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([
        p.then(
          () => true as const,
          () => false as const,
        ),
        expired,
      ]);
    } finally {
      if (timer !== undefined) this.#clock.clearTimeout(timer);
    }
  }

  #clientOptions(): IClientOptions {
    const o = this.#options;
    const tls = o.tls;
    return {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion,
      clean: true,
      keepalive: o.keepaliveS ?? DEFAULTS.mqttKeepaliveS,
      reconnectPeriod: (o.backoff ?? DEFAULT_BACKOFF).baseMs,
      connectTimeout: 10_000,
      // The outbox is the offline queue; MQTT.js must not keep its own copy.
      queueQoSZero: false,
      will: { topic: o.topics.status, payload: Buffer.from(JSON.stringify(this.#status(false))), qos: 1, retain: true },
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...mqttTlsOptions(tls),
    };
  }

  #subscribeOne(client: MqttClient, filter: string): void {
    client.subscribe(filter, { qos: 1 }, (err) => {
      if (err) this.#log.warn({ filter, err: err.message }, 'mqtt subscribe failed');
    });
  }

  /** Classifies a link failure once, for logs, health and the twin. */
  #fail(err: Error & { code?: string | number }): void {
    const tlsFailure = typeof err.code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(err.code);
    // MQTT.js gives a CONNACK refusal its numeric reason code (MQTT 3.1.1 §3.2.2.3, MQTT 5 §3.2.2.2).
    const refused = typeof err.code === 'number';
    const code = tlsFailure ? 'LL_ERR_UPLINK_TLS' : refused ? 'LL_ERR_UPLINK_REFUSED' : 'LL_ERR_UPLINK_UNREACHABLE';
    this.#lastError = gatewayError(code, this.name, this.#options.url, err.message);
    this.#lastErrorAt = this.#clock.now();
    this.#log.warn({ url: this.#options.url, code, err: err.message }, 'mqtt uplink error');
  }

  #status(online: boolean): GatewayStatus {
    return { online, bootId: this.#options.bootId, ts: new Date(this.#clock.now()).toISOString(), version: this.#options.version };
  }
}
