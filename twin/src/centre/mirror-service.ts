import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { gatewayTopics } from '../topics.js';
import type { CommandName, CommandResult, TwinDesiredResult } from '../twin-messages.js';
import { CentreError } from './centre-errors.js';
import { MirrorWorker, type WorkerEvent } from './mirror-worker.js';
import { MqttConsumer } from './mqtt-consumer.js';
import type { CentreStore } from './store/centre-store.js';
import { dataFilters, RESULT_FILTERS } from './subscriptions.js';

export interface MirrorServiceOptions {
  readonly brokerUrl: string;
  readonly log: Logger;
  readonly store: CentreStore;
  /**
   * The MQTT 5 shared-subscription group (`$share/<group>/…`): every
   * instance in it gets a share of the fleet's messages. Absent: plain
   * subscriptions, for a single instance that must see retained twins.
   */
  readonly shareGroup?: string;
  /** Stable per instance: its consumers' persistent sessions keep what the broker has not delivered yet across a restart. */
  readonly instanceId?: string;
  /**
   * MQTT connections consuming the shared subscriptions (default 64). MQTT.js
   * hands a connection its next message only after the last one is
   * acknowledged, so this is how many messages an instance has at once, and
   * so the largest batch (write-batcher.ts) it can commit together.
   */
  readonly consumers?: number;
  readonly resyncRetryMs?: number;
  readonly gapRetryDelaysMs?: readonly number[];
  /** How long a desired change or command waits for the gateway's answer (ms). */
  readonly answerTimeoutMs?: number;
}

const DEFAULT_CONSUMERS = 64;

/** One plain subscription without a share group (it must see a gateway's stream whole and in order). */
const consumerCount = (o: MirrorServiceOptions) => (o.shareGroup === undefined ? 1 : Math.max(1, o.consumers ?? DEFAULT_CONSUMERS));

/** Short: the consumer waits meanwhile, and a real loss costs this much before its resync. */
const SHARED_GAP_RETRY_MS = [10, 40];

interface Waiter {
  readonly resolve: (answer: TwinDesiredResult | CommandResult) => void;
}

/**
 * A centre instance on the broker: consumers feed the stateless MirrorWorker
 * (acknowledging each message only once stored), one more subscription sees
 * every answer to a request (so the instance that sent it resolves it), and
 * `cmd/resync` goes out when the worker finds a gap.
 */
export class MirrorService {
  readonly store: CentreStore;
  readonly worker: MirrorWorker;
  readonly #o: MirrorServiceOptions;
  readonly #waiters = new Map<string, Waiter>();
  readonly #consumers: MqttConsumer[] = [];

  constructor(options: MirrorServiceOptions) {
    this.#o = options;
    this.store = options.store;
    this.worker = new MirrorWorker({
      store: options.store,
      log: options.log,
      ...(options.resyncRetryMs !== undefined ? { resyncRetryMs: options.resyncRetryMs } : {}),
      // One plain subscription delivers a gateway's messages in order: a gap is a loss, not a patch in flight elsewhere.
      gapRetryDelaysMs: options.gapRetryDelaysMs ?? (options.shareGroup === undefined ? [] : SHARED_GAP_RETRY_MS),
      waitForOwnResync: options.shareGroup !== undefined,
      // Half the consumers fill a batch: it goes as soon as they all wait on it, while the other half's batch commits.
      batch: { maxItems: Math.max(1, Math.ceil(consumerCount(options) / 2)) },
    });
    this.worker.on('event', (e) => this.#onEvent(e));
  }

  get connected(): boolean {
    return this.#consumers.some((c) => c.connected);
  }

  async start(): Promise<void> {
    if (this.#consumers.length) return;
    const o = this.#o;
    const instance = o.instanceId ?? `lifeline-centre-${randomUUID().slice(0, 8)}`;
    const persistent = o.shareGroup !== undefined && o.instanceId !== undefined;
    const count = consumerCount(o);
    const data = dataFilters(o.shareGroup);
    for (let i = 0; i < count; i++) {
      // The first consumer also takes every answer, unshared: the waiter is in this process.
      const filters = i === 0 ? [...data, ...RESULT_FILTERS] : data;
      const consumer = new MqttConsumer({
        brokerUrl: o.brokerUrl,
        clientId: `${instance}-${i}`,
        persistent,
        filters,
        log: o.log,
        handle: (topic, payload) => this.worker.handle(topic, payload),
      });
      this.#consumers.push(consumer);
    }
    try {
      await Promise.all(this.#consumers.map((c) => c.start()));
    } catch (e) {
      await this.stop();
      throw e;
    }
    o.log.info({ broker: o.brokerUrl, shareGroup: o.shareGroup, consumers: count }, 'centre mirror subscribed');
  }

  /** `abrupt`: drop the connections without DISCONNECT (a crash, for tests); unacknowledged messages come back to the session. */
  async stop(abrupt = false): Promise<void> {
    await Promise.all(this.#consumers.splice(0).map((c) => c.stop(abrupt)));
    this.worker.stop();
  }

  async sendDesired(site: string, gateway: string, body: Record<string, unknown>, operator: string): Promise<TwinDesiredResult> {
    const topics = await this.#topicsOf(site, gateway);
    return (await this.#request(site, gateway, 'desired', topics.twinDesired, body, operator)) as TwinDesiredResult;
  }

  async sendCommand(
    site: string,
    gateway: string,
    name: CommandName,
    body: Record<string, unknown>,
    operator: string,
  ): Promise<CommandResult> {
    const topics = await this.#topicsOf(site, gateway);
    return (await this.#request(site, gateway, name, topics.command(name), body, operator)) as CommandResult;
  }

  async #topicsOf(site: string, gateway: string) {
    if (!(await this.store.twin(site, gateway))) throw new CentreError('LL_ERR_CENTRE_UNKNOWN_GATEWAY', site, gateway);
    return gatewayTopics(site, gateway);
  }

  async #request(
    site: string,
    gateway: string,
    name: string,
    topic: string,
    body: Record<string, unknown>,
    operator: string,
  ): Promise<TwinDesiredResult | CommandResult> {
    const publisher = this.#consumers.find((c) => c.connected);
    if (!publisher) throw new CentreError('LL_ERR_CENTRE_BROKER_DOWN', this.#o.brokerUrl);
    const clientToken = typeof body.clientToken === 'string' ? body.clientToken : randomUUID();
    // The issue time lets the gateway refuse a stale or replayed request (docs/security.md).
    const issuedAt = typeof body.issuedAt === 'string' ? body.issuedAt : new Date().toISOString();
    const message = { ...body, clientToken, issuedAt };
    await this.store.recordRequest({ clientToken, site, gateway, name, body: message, operator, sentAt: new Date().toISOString() });
    const answer = this.#answerOf(site, gateway, clientToken);
    await publisher.publish(topic, JSON.stringify(message));
    const result = await answer;
    const ok = 'ok' in result ? result.ok : result.status === 'accepted';
    await this.store.recordAnswer(clientToken, ok, result, new Date().toISOString());
    return result;
  }

  #answerOf(site: string, gateway: string, clientToken: string): Promise<TwinDesiredResult | CommandResult> {
    const timeoutMs = this.#o.answerTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
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
  }

  #onEvent(e: WorkerEvent): void {
    if (e.type === 'desired-result' || e.type === 'command-result') {
      this.#waiters.get(e.result.clientToken)?.resolve(e.result);
    } else if (e.type === 'resync') {
      const topic = gatewayTopics(e.site, e.gateway).command('resync');
      const body = { clientToken: randomUUID(), issuedAt: new Date().toISOString(), reason: e.reason };
      this.#consumers
        .find((c) => c.connected)
        ?.publish(topic, JSON.stringify(body))
        .catch(() => undefined);
    }
  }
}
