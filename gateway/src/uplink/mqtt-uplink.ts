import { type GatewayStatus, type GatewayTopics, topicMatches } from '@lifeline/twin';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

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
}

/**
 * One MQTT link (MQTT.js) from the gateway to a broker. On every connect it
 * publishes a retained `status` {online: true}; its Last Will sets
 * {online: false} if the link dies; a clean stop publishes that itself.
 * QoS 1 messages published while offline wait in MQTT.js's queue and go out
 * on reconnect.
 */
export class MqttUplink {
  readonly name: string;
  readonly #options: UplinkOptions;
  readonly #log: Logger;
  #client: MqttClient | undefined;
  readonly #subscriptions = new Map<string, (topic: string, payload: Buffer) => void>();

  constructor(options: UplinkOptions, log: Logger) {
    this.name = options.name;
    this.#options = options;
    this.#log = log.child({ uplink: options.name });
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  start(): void {
    if (this.#client) return;
    const o = this.#options;
    const clientOptions: IClientOptions = {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: { topic: o.topics.status, payload: Buffer.from(JSON.stringify(this.#status(false))), qos: 1, retain: true },
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
    };
    const client = connect(o.url, clientOptions);
    this.#client = client;
    client.on('connect', () => {
      this.#log.info({ url: o.url }, 'mqtt uplink connected');
      this.publish(o.topics.status, JSON.stringify(this.#status(true)), { retain: true });
      // A clean session forgets subscriptions: make them again on every connect.
      for (const filter of this.#subscriptions.keys()) this.#subscribe(client, filter);
    });
    client.on('message', (topic, payload) => {
      for (const [filter, handler] of this.#subscriptions) if (topicMatches(filter, topic)) handler(topic, payload);
    });
    client.on('offline', () => this.#log.warn({ url: o.url }, 'mqtt uplink offline'));
    client.on('error', (err) => this.#log.warn({ url: o.url, err: err.message }, 'mqtt uplink error'));
  }

  publish(topic: string, payload: string, opts: { retain?: boolean } = {}): void {
    this.#client?.publish(topic, payload, { qos: 1, retain: opts.retain ?? false }, (err) => {
      if (err) this.#log.warn({ topic, err: err.message }, 'mqtt publish failed');
    });
  }

  /** Delivers messages matching `topicFilter` (QoS 1) to `handler`, re-subscribing on every connect. */
  subscribe(topicFilter: string, handler: (topic: string, payload: Buffer) => void): void {
    this.#subscriptions.set(topicFilter, handler);
    if (this.#client?.connected) this.#subscribe(this.#client, topicFilter);
  }

  #subscribe(client: MqttClient, filter: string): void {
    client.subscribe(filter, { qos: 1 }, (err) => {
      if (err) this.#log.warn({ filter, err: err.message }, 'mqtt subscribe failed');
    });
  }

  /** Says goodbye with a retained offline status (a clean disconnect suppresses the Will). */
  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(this.#options.topics.status, JSON.stringify(this.#status(false)), { qos: 1, retain: true })
        .catch(() => undefined);
    }
    await client.endAsync(!client.connected);
  }

  #status(online: boolean): GatewayStatus {
    return { online, bootId: this.#options.bootId, ts: new Date().toISOString(), version: this.#options.version };
  }
}
