import { EventEmitter } from 'node:events';
import type { Static, TSchema } from '@sinclair/typebox';
import { type AlarmEvent, AlarmEventSchema } from '../alarm-event.js';
import { type GatewayStatus, GatewayStatusSchema } from '../status.js';
import { parseGatewayTopic } from '../topics.js';
import {
  type TwinAlarm,
  type TwinPatch,
  TwinPatchSchema,
  type TwinReported,
  type TwinSnapshot,
  TwinSnapshotSchema,
  twinAlarmOf,
} from '../twin-document.js';
import { type CommandResult, CommandResultSchema, type Reason, type TwinDesiredResult, TwinDesiredResultSchema } from '../twin-messages.js';
import { type ReplicaOutcome, TwinReplica } from '../twin-replica.js';
import { parsePayload } from '../validate-payload.js';
import { type Partition, partitionOf } from './partition.js';
import { SeenEvents } from './seen-events.js';

/** Alarm event ids remembered per gateway: far more than a gateway's outbox replays after any one outage. */
const SEEN_EVENTS = 10_000;

/** What the mirror tells its WebSocket feed and its owner. */
export type MirrorEvent =
  | { readonly type: 'status'; readonly site: string; readonly gateway: string; readonly status: GatewayStatus }
  | {
      readonly type: 'twin';
      readonly site: string;
      readonly gateway: string;
      readonly bootId: string;
      readonly version: number;
      /** The merge patch applied, or absent when a full twin replaced the copy. */
      readonly patch?: Record<string, unknown>;
    }
  | { readonly type: 'alarm'; readonly site: string; readonly gateway: string; readonly event: AlarmEvent }
  | { readonly type: 'desired-result'; readonly site: string; readonly gateway: string; readonly result: TwinDesiredResult }
  | { readonly type: 'command-result'; readonly site: string; readonly gateway: string; readonly result: CommandResult }
  | { readonly type: 'resync'; readonly site: string; readonly gateway: string; readonly reason: string };

export interface ActiveAlarm extends TwinAlarm {
  readonly site: string;
  readonly gateway: string;
  readonly alarmId: string;
}

export interface GatewaySummary {
  readonly site: string;
  readonly gateway: string;
  readonly online: boolean;
  readonly bootId: string | undefined;
  readonly version: number;
  readonly ts: string | undefined;
  readonly devicesOnline: number | undefined;
  readonly devicesTotal: number | undefined;
  readonly activeAlarms: number;
  readonly resyncs: number;
  readonly rejectedMessages: number;
  /** Alarm events dropped because their eventId had been seen: republished after a crash or replayed. */
  readonly duplicateAlarmEvents: number;
}

interface Entry {
  readonly site: string;
  readonly gateway: string;
  readonly replica: TwinReplica;
  status: GatewayStatus | undefined;
  /** Alarm events newer than the twin's alarmSeq: they show before the coalesced patch arrives. */
  recent: AlarmEvent[];
  lastSeq: { bootId: string; seq: number } | undefined;
  resyncAskedAt: number | undefined;
  resyncs: number;
  rejected: number;
  lastRejection: readonly Reason[] | undefined;
  /** Alarm event ids seen from this gateway, oldest first, bounded: a republish or replay is dropped. */
  seen: SeenEvents;
  duplicates: number;
}

export interface MirrorOptions {
  /** A gap asks for a resync at most this often per gateway; later gaps wait for it (ms). */
  readonly resyncRetryMs?: number;
  /** Only the sites of this partition: several instances share the fleet (docs/twin.md). */
  readonly partition?: Partition;
  readonly now?: () => number;
}

/**
 * The centre's mirror of every gateway, fed MQTT messages and nothing else:
 * it keeps each twin from snapshots and patches, asks for a resync (event
 * `resync`) on any gap in `version` or alarm `seq`, tracks online/offline from
 * `status`, and keeps the active alarm list across all sites. An alarm event
 * whose `eventId` it has seen is counted and dropped. Bad payloads are
 * counted per gateway and dropped; the mirror keeps running.
 */
export class TwinMirror extends EventEmitter<{ event: [MirrorEvent] }> {
  readonly #entries = new Map<string, Entry>();
  readonly #retryMs: number;
  readonly #partition: Partition | undefined;
  readonly #now: () => number;

  constructor(options: MirrorOptions = {}) {
    super();
    this.#retryMs = options.resyncRetryMs ?? 2000;
    this.#partition = options.partition;
    this.#now = options.now ?? Date.now;
  }

  handle(topic: string, payload: Buffer | string): void {
    const parsed = parseGatewayTopic(topic);
    if (!parsed) return;
    const { site, gateway, suffix } = parsed;
    if (this.#partition && partitionOf(site, this.#partition.count) !== this.#partition.index) return;
    if (suffix === 'status') this.#parsed(site, gateway, GatewayStatusSchema, payload, (s) => this.#status(site, gateway, s));
    else if (suffix === 'twin') this.#parsed(site, gateway, TwinSnapshotSchema, payload, (s) => this.#snapshot(s));
    else if (suffix === 'twin/patch') this.#parsed(site, gateway, TwinPatchSchema, payload, (p) => this.#patch(p));
    else if (suffix === 'alarms') this.#parsed(site, gateway, AlarmEventSchema, payload, (e) => this.#alarm(site, gateway, e));
    else if (suffix === 'twin/desired/result') {
      this.#parsed(site, gateway, TwinDesiredResultSchema, payload, (result) =>
        this.emit('event', { type: 'desired-result', site, gateway, result }),
      );
    } else if (/^cmd\/[^/]+\/result$/.test(suffix)) {
      this.#parsed(site, gateway, CommandResultSchema, payload, (result) =>
        this.emit('event', { type: 'command-result', site, gateway, result }),
      );
    }
  }

  has(site: string, gateway: string): boolean {
    return this.#entries.has(key(site, gateway));
  }

  list(): GatewaySummary[] {
    return [...this.#entries.values()].map((e) => {
      const reported = e.replica.reported;
      return {
        site: e.site,
        gateway: e.gateway,
        online: e.status?.online === true,
        bootId: e.replica.bootId,
        version: e.replica.version,
        ts: reported ? e.replica.ts : undefined,
        devicesOnline: reported?.gateway.devicesOnline,
        devicesTotal: reported?.gateway.devicesTotal,
        activeAlarms: this.#alarmsOf(e).length,
        resyncs: e.resyncs,
        rejectedMessages: e.rejected,
        duplicateAlarmEvents: e.duplicates,
      };
    });
  }

  twin(
    site: string,
    gateway: string,
  ): { bootId: string | undefined; version: number; status: GatewayStatus | undefined; reported: TwinReported | undefined } | undefined {
    const e = this.#entries.get(key(site, gateway));
    if (!e) return undefined;
    return { bootId: e.replica.bootId, version: e.replica.version, status: e.status, reported: e.replica.reported };
  }

  /** Every active alarm of every gateway, most severe first, then oldest first. */
  activeAlarms(): ActiveAlarm[] {
    return [...this.#entries.values()]
      .flatMap((e) => this.#alarmsOf(e))
      .sort((a, b) => a.priority - b.priority || a.detectedAt.localeCompare(b.detectedAt));
  }

  #alarmsOf(e: Entry): ActiveAlarm[] {
    const reported = e.replica.reported;
    const alarms = new Map<string, TwinAlarm>(Object.entries(reported?.alarms ?? {}));
    for (const event of e.recent) {
      if (event.state === 'normal') alarms.delete(event.alarmId);
      else alarms.set(event.alarmId, twinAlarmOf(event));
    }
    return [...alarms].map(([alarmId, a]) => ({ ...a, site: e.site, gateway: e.gateway, alarmId }));
  }

  #entry(site: string, gateway: string): Entry {
    const k = key(site, gateway);
    let e = this.#entries.get(k);
    if (!e) {
      e = {
        site,
        gateway,
        replica: new TwinReplica(),
        status: undefined,
        recent: [],
        lastSeq: undefined,
        resyncAskedAt: undefined,
        resyncs: 0,
        rejected: 0,
        lastRejection: undefined,
        seen: new SeenEvents(SEEN_EVENTS),
        duplicates: 0,
      };
      this.#entries.set(k, e);
    }
    return e;
  }

  #parsed<T extends TSchema>(site: string, gateway: string, schema: T, payload: Buffer | string, use: (value: Static<T>) => void): void {
    const parsed = parsePayload(schema, payload, 'LL_ERR_CENTRE_BAD_PAYLOAD');
    if (parsed.ok) {
      use(parsed.value);
      return;
    }
    const e = this.#entry(site, gateway);
    e.rejected += 1;
    e.lastRejection = parsed.reasons;
  }

  #status(site: string, gateway: string, status: GatewayStatus): void {
    this.#entry(site, gateway).status = status;
    this.emit('event', { type: 'status', site, gateway, status });
  }

  #snapshot(s: TwinSnapshot): void {
    const e = this.#entry(s.site, s.gateway);
    if (!this.#applied(e, e.replica.applySnapshot(s))) return;
    e.resyncAskedAt = undefined;
    this.#trimRecent(e);
    if (!e.lastSeq || e.lastSeq.bootId !== s.bootId || e.lastSeq.seq < s.reported.alarmSeq) {
      e.lastSeq = { bootId: s.bootId, seq: s.reported.alarmSeq };
    }
    this.emit('event', { type: 'twin', site: s.site, gateway: s.gateway, bootId: s.bootId, version: s.version });
  }

  #patch(p: TwinPatch): void {
    const e = this.#entry(p.site, p.gateway);
    if (!this.#applied(e, e.replica.applyPatch(p))) return;
    this.#trimRecent(e);
    this.emit('event', { type: 'twin', site: p.site, gateway: p.gateway, bootId: p.bootId, version: p.version, patch: p.patch });
  }

  #alarm(site: string, gateway: string, event: AlarmEvent): void {
    const e = this.#entry(site, gateway);
    const last = e.lastSeq;
    if (last && last.bootId === event.bootId && event.seq > last.seq + 1) {
      this.#askResync(e, `alarm seq gap: have ${last.seq}, got ${event.seq}`);
    }
    if (!last || last.bootId !== event.bootId || event.seq > last.seq) e.lastSeq = { bootId: event.bootId, seq: event.seq };
    // After the seq bookkeeping: a republished copy still takes a seq of its boot (docs/topics.md#alarms).
    if (!e.seen.add(event.eventId)) {
      e.duplicates += 1;
      return;
    }
    if (event.bootId === e.replica.bootId && event.seq > (e.replica.reported?.alarmSeq ?? 0)) e.recent.push(event);
    this.emit('event', { type: 'alarm', site, gateway, event });
  }

  #applied(e: Entry, outcome: ReplicaOutcome): boolean {
    if (outcome.kind === 'gap') this.#askResync(e, outcome.reason);
    return outcome.kind === 'applied';
  }

  #askResync(e: Entry, reason: string): void {
    const now = this.#now();
    if (e.resyncAskedAt !== undefined && now - e.resyncAskedAt < this.#retryMs) return;
    e.resyncAskedAt = now;
    e.resyncs += 1;
    this.emit('event', { type: 'resync', site: e.site, gateway: e.gateway, reason });
  }

  #trimRecent(e: Entry): void {
    const seq = e.replica.reported?.alarmSeq ?? 0;
    e.recent = e.recent.filter((ev) => ev.bootId === e.replica.bootId && ev.seq > seq);
  }
}

function key(site: string, gateway: string): string {
  return `${site}/${gateway}`;
}
