import { EventEmitter } from 'node:events';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { type AlarmEvent, AlarmEventSchema } from '../alarm-event.js';
import { GatewayStatusSchema } from '../status.js';
import { parseGatewayTopic } from '../topics.js';
import { type TwinPatch, TwinPatchSchema, type TwinSnapshot, TwinSnapshotSchema } from '../twin-document.js';
import { type CommandResult, CommandResultSchema, type TwinDesiredResult, TwinDesiredResultSchema } from '../twin-messages.js';
import { parsePayload } from '../validate-payload.js';
import type { CentreStore, WriteOutcome } from './store/centre-store.js';
import { WriteBatcher, type WriteBatcherOptions } from './write-batcher.js';

/** What the worker tells its owner: answers to match with waiting requests, and resyncs to publish. */
export type WorkerEvent =
  | { readonly type: 'desired-result'; readonly site: string; readonly gateway: string; readonly result: TwinDesiredResult }
  | { readonly type: 'command-result'; readonly site: string; readonly gateway: string; readonly result: CommandResult }
  | { readonly type: 'resync'; readonly site: string; readonly gateway: string; readonly reason: string };

export interface MirrorWorkerOptions {
  readonly store: CentreStore;
  readonly log: Logger;
  /** A gap asks for a resync at most this often per gateway, across all instances (ms). */
  readonly resyncRetryMs?: number;
  /**
   * Before a gap asks for a resync, the patch is tried again after these
   * delays (ms): with shared subscriptions the missing patch is often just
   * in flight at another instance.
   */
  readonly gapRetryDelaysMs?: readonly number[];
  /**
   * A gap whose resync claim is refused waits for a resync of its own (default true): with shared
   * subscriptions the outstanding resync may predate the patch. One plain, ordered subscription
   * passes false: there the full twin answering it arrives before any later patch, so waiting would
   * only stall the one consumer.
   */
  readonly waitForOwnResync?: boolean;
  /** How writes are grouped into store batches (write-batcher.ts). */
  readonly batch?: Omit<WriteBatcherOptions, 'store'>;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_GAP_RETRY_MS = [10, 40];
const DEFAULT_RESYNC_RETRY_MS = 2000;

/**
 * A stateless mirror worker: one MQTT message in, the store changed (or
 * not), nothing kept between messages, so any instance can take any
 * gateway's message. Payloads are checked against their schema and against
 * the topic they came on; a refusal is logged with its reason and counted
 * for the gateway, and never reaches the stored twin.
 */
export class MirrorWorker extends EventEmitter<{ event: [WorkerEvent] }> {
  readonly #o: MirrorWorkerOptions;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #writer: WriteBatcher;

  constructor(options: MirrorWorkerOptions) {
    super();
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#writer = new WriteBatcher({ ...options.batch, store: options.store });
  }

  /** Stops gathering: writes not yet handed to the store are never made (their messages stay unacknowledged). */
  stop(): void {
    this.#writer.stop();
  }

  /** Resolves once the message is stored (the caller acknowledges it to the broker only then); rejects when the store fails. */
  async handle(topic: string, payload: Buffer | string): Promise<void> {
    const parsed = parseGatewayTopic(topic);
    if (!parsed) return;
    const { site, gateway, suffix } = parsed;
    if (suffix === 'status') {
      const status = await this.#parse(site, gateway, GatewayStatusSchema, payload);
      if (status) await this.#o.store.recordStatus(site, gateway, status, this.#iso());
    } else if (suffix === 'twin') {
      const s = await this.#parse(site, gateway, TwinSnapshotSchema, payload);
      if (s && (await this.#ownTopic(site, gateway, s))) await this.#snapshot(s);
    } else if (suffix === 'twin/patch') {
      const p = await this.#parse(site, gateway, TwinPatchSchema, payload);
      if (p && (await this.#ownTopic(site, gateway, p)) && (await this.#oneStep(p))) await this.#patch(p);
    } else if (suffix === 'alarms') {
      const e = await this.#parse(site, gateway, AlarmEventSchema, payload);
      if (e && (await this.#ownTopic(site, gateway, e))) await this.#alarm(e);
    } else if (suffix === 'twin/desired/result') {
      const result = await this.#parse(site, gateway, TwinDesiredResultSchema, payload);
      if (result) this.emit('event', { type: 'desired-result', site, gateway, result });
    } else if (/^cmd\/[^/]+\/result$/.test(suffix)) {
      const result = await this.#parse(site, gateway, CommandResultSchema, payload);
      if (result) this.emit('event', { type: 'command-result', site, gateway, result });
    }
  }

  async #snapshot(s: TwinSnapshot): Promise<void> {
    if ((await this.#writer.write({ kind: 'snapshot', snapshot: s })).kind === 'applied')
      await this.#o.store.clearResync(s.site, s.gateway);
  }

  async #patch(p: TwinPatch): Promise<void> {
    let outcome: WriteOutcome = await this.#writer.write({ kind: 'patch', patch: p });
    for (const delay of this.#o.gapRetryDelaysMs ?? DEFAULT_GAP_RETRY_MS) {
      if (outcome.kind !== 'gap') return;
      await this.#sleep(delay);
      outcome = await this.#writer.write({ kind: 'patch', patch: p });
    }
    // Another instance's resync may be outstanding, but asked before this patch existed: its full twin can be
    // older than this patch, and dropping the patch then left the twin behind for good (issue 21, the fleet
    // test's kill case under load). So the patch waits until it applies, is covered, or a resync of its own goes out.
    while (outcome.kind === 'gap') {
      if ((await this.#askResync(p.site, p.gateway, outcome.reason)) || this.#o.waitForOwnResync === false) return;
      await this.#sleep(this.#resyncWaitMs());
      outcome = await this.#writer.write({ kind: 'patch', patch: p });
    }
  }

  /** How often a patch whose resync claim was refused looks again: a few times per resync interval. */
  #resyncWaitMs(): number {
    return Math.max(10, Math.floor((this.#o.resyncRetryMs ?? DEFAULT_RESYNC_RETRY_MS) / 4));
  }

  async #alarm(e: AlarmEvent): Promise<void> {
    // Idempotent by (site, gateway, bootId, seq): a redelivery is stored once and changes nothing.
    await this.#writer.write({ kind: 'alarm', event: e, receivedAt: this.#iso() });
  }

  /** True when this worker won the claim and asked; false when another resync of the gateway is outstanding. */
  async #askResync(site: string, gateway: string, reason: string): Promise<boolean> {
    const retryMs = this.#o.resyncRetryMs ?? DEFAULT_RESYNC_RETRY_MS;
    if (!(await this.#o.store.claimResync(site, gateway, this.#now(), retryMs))) return false;
    this.#o.log.info({ site, gateway, reason }, 'asking for a resync');
    this.emit('event', { type: 'resync', site, gateway, reason });
    return true;
  }

  /** Only the gateway publishes under its own topics: a payload naming another site or gateway is forged or misrouted. */
  async #ownTopic(site: string, gateway: string, body: { site: string; gateway: string }): Promise<boolean> {
    if (body.site === site && body.gateway === gateway) return true;
    await this.#reject(site, gateway, `payload names ${body.site}/${body.gateway}, topic is ${site}/${gateway}`);
    return false;
  }

  /** A patch moves the twin by exactly one version (docs/twin.md); a jump is not a gap, it is a bad message. */
  async #oneStep(p: TwinPatch): Promise<boolean> {
    if (p.version === p.base + 1) return true;
    await this.#reject(p.site, p.gateway, `patch jumps from version ${p.base} to ${p.version}`);
    return false;
  }

  async #parse<T extends TSchema>(site: string, gateway: string, schema: T, payload: Buffer | string): Promise<Static<T> | undefined> {
    const parsed = parsePayload(schema, payload, 'LL_ERR_CENTRE_BAD_PAYLOAD');
    if (parsed.ok) return parsed.value;
    await this.#reject(site, gateway, parsed.reasons.map((r) => `${r.path || '/'}: ${r.message}`).join('; '));
    return undefined;
  }

  async #reject(site: string, gateway: string, reason: string): Promise<void> {
    this.#o.log.warn({ site, gateway, code: 'LL_ERR_CENTRE_BAD_PAYLOAD', reason }, 'refused a gateway message');
    await this.#o.store.recordRejection(site, gateway, reason, this.#iso());
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}
