import { connect, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { sendWithoutDelay } from '../mqtt-no-delay.js';

export interface MqttConsumerOptions {
  readonly brokerUrl: string;
  readonly clientId: string;
  /** A session that outlives the connection (MQTT 5 session expiry): messages queued while down are delivered on return. */
  readonly persistent: boolean;
  readonly filters: readonly string[];
  readonly log: Logger;
  /** Resolves once the message is stored; only then is it acknowledged. */
  readonly handle: (topic: string, payload: Buffer) => Promise<void>;
}

/** Session expiry of a persistent consumer (s): an instance restarted within it misses nothing. */
const SESSION_EXPIRY_S = 3600;
const RETRY_MS = [100, 500, 1000, 2000];

/**
 * One MQTT 5 connection feeding the worker. MQTT.js hands the next message
 * over only after `handleMessage` calls back, and sends the PUBACK then: so a
 * QoS 1 message is acknowledged after it is stored, never before, and one
 * that was in flight when the instance died comes back to its session.
 */
export class MqttConsumer {
  readonly #o: MqttConsumerOptions;
  #client: MqttClient | undefined;
  #stopped = false;

  constructor(options: MqttConsumerOptions) {
    this.#o = options;
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  async start(): Promise<void> {
    const o = this.#o;
    this.#stopped = false;
    const client = connect(o.brokerUrl, {
      clientId: o.clientId,
      protocolVersion: 5,
      clean: !o.persistent,
      reconnectPeriod: 1000,
      ...(o.persistent ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
    });
    this.#client = sendWithoutDelay(client);
    // Installed before the CONNACK: a resumed session's unacknowledged messages come right behind it, and MQTT.js's
    // default handler would acknowledge them unstored (issue 21: the journal rows lost across an instance kill).
    client.handleMessage = (packet, done) => {
      const p = packet as IPublishPacket;
      this.#store(p.topic, p.payload as Buffer).then(
        () => done(),
        () => undefined, // stopped: leave it unacknowledged for the session
      );
    };
    client.on('error', (err) => o.log.warn({ err: err.message, clientId: o.clientId }, 'centre mqtt error'));
    const connack = await firstConnect(client);
    // A resumed session still has its subscriptions: subscribing again would make Mosquitto walk its retained
    // messages for every filter (the whole fleet's twins and statuses) once per consumer, slowing a restart.
    client.on('connect', (ack) => {
      if (!ack.sessionPresent) void this.#subscribe(client).catch(() => undefined);
    });
    if (!connack.sessionPresent) await this.#subscribe(client);
  }

  publish(topic: string, payload: string): Promise<unknown> {
    const client = this.#client;
    if (!client) return Promise.reject(new Error('not started'));
    return client.publishAsync(topic, payload, { qos: 1 });
  }

  async stop(abrupt = false): Promise<void> {
    this.#stopped = true;
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    if (abrupt) {
      client.options.reconnectPeriod = 0;
      client.stream.destroy();
    }
    await client.endAsync(true);
  }

  /** A store that fails (database down) is retried with backoff: the message stays unacknowledged and the broker holds the rest. */
  async #store(topic: string, payload: Buffer): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.#stopped) throw new Error('stopped');
      try {
        await this.#o.handle(topic, payload);
        return;
      } catch (e) {
        this.#o.log.warn({ err: (e as Error).message, topic, attempt }, 'could not store a gateway message; retrying');
        await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      }
    }
  }

  async #subscribe(client: MqttClient): Promise<void> {
    await client.subscribeAsync(Object.fromEntries(this.#o.filters.map((f) => [f, { qos: 1 as const }])));
  }
}

/** The first CONNACK, or the first error (a refused or unreachable broker fails start(), as connectAsync would). */
function firstConnect(client: MqttClient): Promise<IConnackPacket> {
  return new Promise((resolve, reject) => {
    const onConnect = (connack: IConnackPacket) => {
      client.off('error', onError);
      resolve(connack);
    };
    const onError = (err: Error) => {
      client.off('connect', onConnect);
      client.end(true);
      reject(err);
    };
    client.once('connect', onConnect);
    client.once('error', onError);
  });
}
