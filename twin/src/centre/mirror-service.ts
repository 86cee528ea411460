import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { gatewayTopics, TOPIC_ROOT } from '../topics.js';
import type { CommandName, CommandResult, TwinDesiredResult } from '../twin-messages.js';
import { CentreError } from './centre-errors.js';
import type { Partition } from './partition.js';
import { type MirrorEvent, TwinMirror } from './twin-mirror.js';

export interface MirrorServiceOptions {
  readonly brokerUrl: string;
  readonly log: Logger;
  readonly clientId?: string;
  readonly partition?: Partition;
  readonly resyncRetryMs?: number;
  /** How long a desired change or command waits for the gateway's answer (ms). */
  readonly answerTimeoutMs?: number;
}

/** The subscriptions of a full mirror: everything a gateway publishes for the centre except telemetry. */
export const MIRROR_FILTERS = ['status', 'twin', 'twin/patch', 'alarms', 'twin/desired/result', 'cmd/+/result'].map(
  (s) => `${TOPIC_ROOT}/+/+/${s}`,
);

interface Waiter {
  readonly resolve: (answer: TwinDesiredResult | CommandResult) => void;
}

/**
 * The mirror on a live broker (MQTT.js): subscribes to every gateway, feeds
 * the TwinMirror, publishes `cmd/resync` when it finds a gap, and sends
 * desired changes and commands, resolving each with the gateway's answer
 * (matched by clientToken).
 */
export class MirrorService {
  readonly mirror: TwinMirror;
  readonly #options: MirrorServiceOptions;
  readonly #waiters = new Map<string, Waiter>();
  #client: MqttClient | undefined;

  constructor(options: MirrorServiceOptions) {
    this.#options = options;
    this.mirror = new TwinMirror({
      ...(options.partition ? { partition: options.partition } : {}),
      ...(options.resyncRetryMs !== undefined ? { resyncRetryMs: options.resyncRetryMs } : {}),
    });
    this.mirror.on('event', (e) => this.#onEvent(e));
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  async start(): Promise<void> {
    if (this.#client) return;
    const o = this.#options;
    const client = await connectAsync(o.brokerUrl, {
      clientId: o.clientId ?? `lifeline-centre-${randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: 1000,
    });
    this.#client = client;
    client.on('message', (topic, payload) => this.mirror.handle(topic, payload));
    // clean session: subscriptions are gone after a reconnect; the retained twins come back with them.
    client.on('connect', () => void this.#subscribe(client));
    client.on('error', (err) => o.log.warn({ err: err.message }, 'centre mqtt error'));
    await this.#subscribe(client);
    o.log.info({ broker: o.brokerUrl, partition: o.partition }, 'centre mirror subscribed');
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.endAsync(true);
  }

  async sendDesired(site: string, gateway: string, body: Record<string, unknown>): Promise<TwinDesiredResult> {
    const topics = this.#topicsOf(site, gateway);
    return (await this.#request(site, gateway, topics.twinDesired, body)) as TwinDesiredResult;
  }

  async sendCommand(site: string, gateway: string, name: CommandName, body: Record<string, unknown>): Promise<CommandResult> {
    const topics = this.#topicsOf(site, gateway);
    return (await this.#request(site, gateway, topics.command(name), body)) as CommandResult;
  }

  async #subscribe(client: MqttClient): Promise<void> {
    await client.subscribeAsync(Object.fromEntries(MIRROR_FILTERS.map((f) => [f, { qos: 1 as const }])));
  }

  #topicsOf(site: string, gateway: string) {
    if (!this.mirror.has(site, gateway)) throw new CentreError('LL_ERR_CENTRE_UNKNOWN_GATEWAY', site, gateway);
    return gatewayTopics(site, gateway);
  }

  async #request(site: string, gateway: string, topic: string, body: Record<string, unknown>): Promise<TwinDesiredResult | CommandResult> {
    const client = this.#client;
    if (!client?.connected) throw new CentreError('LL_ERR_CENTRE_BROKER_DOWN', this.#options.brokerUrl);
    const clientToken = typeof body.clientToken === 'string' ? body.clientToken : randomUUID();
    const timeoutMs = this.#options.answerTimeoutMs ?? 10_000;
    const answer = new Promise<TwinDesiredResult | CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(clientToken);
        reject(new CentreError('LL_ERR_CENTRE_TIMEOUT', site, gateway, timeoutMs));
      }, timeoutMs);
      this.#waiters.set(clientToken, {
        resolve: (a) => {
          clearTimeout(timer);
          this.#waiters.delete(clientToken);
          resolve(a);
        },
      });
    });
    // The issue time lets the gateway refuse a stale or replayed request (docs/security.md).
    const issuedAt = typeof body.issuedAt === 'string' ? body.issuedAt : new Date().toISOString();
    await client.publishAsync(topic, JSON.stringify({ ...body, clientToken, issuedAt }), { qos: 1 });
    return answer;
  }

  #onEvent(e: MirrorEvent): void {
    if (e.type === 'desired-result' || e.type === 'command-result') {
      this.#waiters.get(e.result.clientToken)?.resolve(e.result);
    } else if (e.type === 'resync') {
      this.#options.log.info({ site: e.site, gateway: e.gateway, reason: e.reason }, 'asking for a resync');
      const topic = gatewayTopics(e.site, e.gateway).command('resync');
      this.#client?.publish(topic, JSON.stringify({ clientToken: randomUUID(), issuedAt: new Date().toISOString(), reason: e.reason }), {
        qos: 1,
      });
    }
  }
}
