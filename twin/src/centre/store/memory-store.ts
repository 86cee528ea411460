import { EventEmitter } from 'node:events';
import type { AlarmEvent } from '../../alarm-event.js';
import type { GatewayStatus } from '../../status.js';
import type { TwinPatch, TwinSnapshot } from '../../twin-document.js';
import { type ReplicaOutcome, TwinReplica } from '../../twin-replica.js';
import { activeAlarmsOf, byPriorityThenAge } from './active-alarms.js';
import type {
  ActiveAlarm,
  CentreRequest,
  CentreStore,
  GatewaySummary,
  JournalQuery,
  JournalRow,
  RequestRow,
  StatusRow,
  StoreChange,
  StoreWrite,
  TwinView,
  WriteOutcome,
} from './centre-store.js';
import { journalMatches } from './journal-query.js';
import { applyTwinWrites, type TwinWrite, twinBody, twinWritesByGateway } from './twin-batch-plan.js';
import { writeOne } from './write-one.js';

interface Entry {
  readonly site: string;
  readonly gateway: string;
  readonly replica: TwinReplica;
  status: GatewayStatus | undefined;
  lastSeen: string | undefined;
  history: StatusRow[];
  resyncAskedAt: number | undefined;
  resyncs: number;
  rejected: number;
  lastRejection: string | undefined;
}

/** The centre's state in one process's memory: a single instance without `--db`, and the unit tests. */
export class MemoryCentreStore implements CentreStore {
  readonly #entries = new Map<string, Entry>();
  readonly #journal: JournalRow[] = [];
  readonly #journalKeys = new Set<string>();
  readonly #requests = new Map<string, RequestRow>();
  readonly #changes = new EventEmitter<{ change: [StoreChange] }>();

  async write(batch: readonly StoreWrite[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = new Array(batch.length);
    for (const writes of twinWritesByGateway(batch).values()) {
      const { site, gateway } = twinBody(writes[0] as TwinWrite);
      applyTwinWrites(this.#entry(site, gateway).replica, writes, outcomes);
      for (const w of writes) {
        const b = twinBody(w);
        if (outcomes[w.index]?.kind === 'applied') this.#emit({ type: 'twin', site, gateway, bootId: b.bootId, version: b.version });
      }
    }
    batch.forEach((w, i) => {
      if (w.kind === 'alarm') outcomes[i] = { kind: this.#append(w.event, w.receivedAt) ? 'journalled' : 'duplicate' };
    });
    return outcomes;
  }

  applySnapshot(s: TwinSnapshot): Promise<ReplicaOutcome> {
    return writeOne.snapshot(this, s);
  }

  applyPatch(p: TwinPatch): Promise<ReplicaOutcome> {
    return writeOne.patch(this, p);
  }

  appendAlarm(event: AlarmEvent, receivedAt: string): Promise<boolean> {
    return writeOne.alarm(this, event, receivedAt);
  }

  #append(event: AlarmEvent, receivedAt: string): boolean {
    // Once by (boot id, seq) and once by eventId, as the PostgreSQL journal's unique keys (pg-migrations.ts).
    const gw = `${event.site}/${event.gateway}`;
    const keys = [`${gw}/${event.bootId}/${event.seq}`, ...(event.eventId ? [`${gw}#${event.eventId}`] : [])];
    if (keys.some((k) => this.#journalKeys.has(k))) return false;
    for (const k of keys) this.#journalKeys.add(k);
    this.#entry(event.site, event.gateway);
    this.#journal.push({ site: event.site, gateway: event.gateway, bootId: event.bootId, seq: event.seq, receivedAt, event });
    this.#emit({ type: 'alarm', site: event.site, gateway: event.gateway, event });
    return true;
  }

  async recordStatus(site: string, gateway: string, status: GatewayStatus, receivedAt: string): Promise<void> {
    const e = this.#entry(site, gateway);
    // A late, older status (a redelivery) does not undo a newer one; the history keeps one row per transition.
    if (!e.status || e.status.ts <= status.ts) e.status = status;
    e.lastSeen = receivedAt;
    const seen = e.history.some((h) => h.online === status.online && h.bootId === status.bootId && h.ts === status.ts);
    if (!seen) e.history.push({ online: status.online, bootId: status.bootId, ts: status.ts, receivedAt });
    this.#emit({ type: 'status', site, gateway, status });
  }

  async recordRejection(site: string, gateway: string, reason: string, at: string): Promise<void> {
    const e = this.#entry(site, gateway);
    e.rejected += 1;
    e.lastRejection = reason;
    e.lastSeen = at;
  }

  async claimResync(site: string, gateway: string, nowMs: number, retryMs: number): Promise<boolean> {
    const e = this.#entry(site, gateway);
    if (e.resyncAskedAt !== undefined && nowMs - e.resyncAskedAt < retryMs) return false;
    e.resyncAskedAt = nowMs;
    e.resyncs += 1;
    return true;
  }

  async clearResync(site: string, gateway: string): Promise<void> {
    this.#entry(site, gateway).resyncAskedAt = undefined;
  }

  async recordRequest(request: CentreRequest): Promise<void> {
    this.#requests.set(request.clientToken, { ...request, answeredAt: undefined, ok: undefined, answer: undefined });
  }

  async recordAnswer(clientToken: string, ok: boolean, answer: unknown, at: string): Promise<void> {
    const r = this.#requests.get(clientToken);
    if (r && r.answeredAt === undefined) this.#requests.set(clientToken, { ...r, answeredAt: at, ok, answer });
  }

  async gateways(): Promise<GatewaySummary[]> {
    return this.gatewaysNow();
  }

  /** The memory store can answer at once (single-process callers and tests). */
  gatewaysNow(): GatewaySummary[] {
    return [...this.#entries.values()].map((e) => {
      const reported = e.replica.reported;
      return {
        site: e.site,
        gateway: e.gateway,
        online: e.status?.online === true,
        bootId: e.replica.bootId ?? e.status?.bootId,
        version: e.replica.version,
        ts: reported ? e.replica.ts : undefined,
        lastSeen: e.lastSeen,
        devicesOnline: reported?.gateway.devicesOnline,
        devicesTotal: reported?.gateway.devicesTotal,
        outboxBacklog: reported?.gateway.outboxBacklog,
        activeAlarms: this.#alarmsOf(e).length,
        resyncs: e.resyncs,
        rejectedMessages: e.rejected,
        lastRejection: e.lastRejection,
      };
    });
  }

  async twin(site: string, gateway: string): Promise<TwinView | undefined> {
    return this.twinNow(site, gateway);
  }

  twinNow(site: string, gateway: string): TwinView | undefined {
    const e = this.#entries.get(`${site}/${gateway}`);
    if (!e) return undefined;
    const r = e.replica;
    return { bootId: r.bootId, version: r.version, ts: r.reported ? r.ts : undefined, status: e.status, reported: r.reported };
  }

  async activeAlarms(): Promise<ActiveAlarm[]> {
    return [...this.#entries.values()].flatMap((e) => this.#alarmsOf(e)).sort(byPriorityThenAge);
  }

  async journal(query: JournalQuery): Promise<JournalRow[]> {
    const rows = this.#journal.filter((r) => journalMatches(r, query));
    return rows.reverse().slice(0, query.limit ?? 500);
  }

  async requests(query: { site?: string; gateway?: string; limit?: number }): Promise<RequestRow[]> {
    return [...this.#requests.values()]
      .filter((r) => (query.site === undefined || r.site === query.site) && (query.gateway === undefined || r.gateway === query.gateway))
      .reverse()
      .slice(0, query.limit ?? 100);
  }

  async statusHistory(site: string, gateway: string, limit = 100): Promise<StatusRow[]> {
    return [...(this.#entries.get(`${site}/${gateway}`)?.history ?? [])].reverse().slice(0, limit);
  }

  watch(listener: (change: StoreChange) => void): () => void {
    this.#changes.on('change', listener);
    return () => this.#changes.off('change', listener);
  }

  async close(): Promise<void> {
    this.#changes.removeAllListeners();
  }

  #alarmsOf(e: Entry): ActiveAlarm[] {
    const r = e.replica;
    if (!r.reported) return [];
    const seq = r.reported.alarmSeq;
    const newer = this.#journal.filter((j) => j.site === e.site && j.gateway === e.gateway && j.bootId === r.bootId && j.seq > seq);
    return activeAlarmsOf(
      e.site,
      e.gateway,
      r.reported.alarms,
      newer.map((j) => j.event),
    );
  }

  #entry(site: string, gateway: string): Entry {
    const k = `${site}/${gateway}`;
    let e = this.#entries.get(k);
    if (!e) {
      e = {
        site,
        gateway,
        replica: new TwinReplica(),
        status: undefined,
        lastSeen: undefined,
        history: [],
        resyncAskedAt: undefined,
        resyncs: 0,
        rejected: 0,
        lastRejection: undefined,
      };
      this.#entries.set(k, e);
    }
    return e;
  }

  #emit(change: StoreChange): void {
    this.#changes.emit('change', change);
  }
}
