import type { AlarmEvent } from '../../alarm-event.js';
import type { GatewayStatus } from '../../status.js';
import type { TwinAlarm, TwinPatch, TwinReported, TwinSnapshot } from '../../twin-document.js';
import type { ReplicaOutcome } from '../../twin-replica.js';

/**
 * What the centre keeps, behind one interface (docs/centre.md): PostgreSQL
 * when several instances share the fleet, memory for a single instance
 * without `--db`. Every write is safe to repeat and safe to race: a twin
 * changes only on top of the version it was read at, an alarm event is
 * stored once per (site, gateway, bootId, seq). Both implementations run
 * the contract suite in test/unit/centre/centre-store-contract.ts.
 */
export interface CentreStore {
  /**
   * Several twin and journal writes at once (one transaction in PostgreSQL),
   * outcomes in the order given. Each write has the outcome it would have
   * alone in some order of the batch: a gateway's snapshots and patches are
   * applied in the order that lets most of them apply (a patch 6→7 before 5→6
   * in the batch still applies), so the consumers' arrival order does not matter.
   */
  write(batch: readonly StoreWrite[]): Promise<WriteOutcome[]>;
  /** A full twin: replaces the stored one unless that is newer (same boot, higher version; or a later boot). */
  applySnapshot(s: TwinSnapshot): Promise<ReplicaOutcome>;
  /** A merge patch: applies only on top of exactly its `base` in the same boot. */
  applyPatch(p: TwinPatch): Promise<ReplicaOutcome>;
  /** Appends an alarm lifecycle event to the journal; false when it was already there (a redelivery). */
  appendAlarm(event: AlarmEvent, receivedAt: string): Promise<boolean>;
  recordStatus(site: string, gateway: string, status: GatewayStatus, receivedAt: string): Promise<void>;
  /** A message the centre refused: counted per gateway, the last reason kept. */
  recordRejection(site: string, gateway: string, reason: string, at: string): Promise<void>;
  /** True for the one caller that may ask this gateway for a resync now: at most once per `retryMs` across instances. */
  claimResync(site: string, gateway: string, nowMs: number, retryMs: number): Promise<boolean>;
  /** Forgets the resync claim once a full twin arrived, so the next gap asks at once. */
  clearResync(site: string, gateway: string): Promise<void>;
  recordRequest(request: CentreRequest): Promise<void>;
  recordAnswer(clientToken: string, ok: boolean, answer: unknown, at: string): Promise<void>;

  gateways(): Promise<GatewaySummary[]>;
  twin(site: string, gateway: string): Promise<TwinView | undefined>;
  /** Every active alarm of every gateway, most severe first, then oldest first. */
  activeAlarms(): Promise<ActiveAlarm[]>;
  journal(query: JournalQuery): Promise<JournalRow[]>;
  requests(query: { site?: string; gateway?: string; limit?: number }): Promise<RequestRow[]>;
  statusHistory(site: string, gateway: string, limit?: number): Promise<StatusRow[]>;
  /** Changes as they are stored, from every instance (PostgreSQL NOTIFY): the WebSocket feed. */
  watch(listener: (change: StoreChange) => void): () => void;
  close(): Promise<void>;
}

/** One message's write: what the mirror worker batches. */
export type StoreWrite =
  | { readonly kind: 'snapshot'; readonly snapshot: TwinSnapshot }
  | { readonly kind: 'patch'; readonly patch: TwinPatch }
  | { readonly kind: 'alarm'; readonly event: AlarmEvent; readonly receivedAt: string };

/** A twin write's ReplicaOutcome, or whether an alarm event is new to the journal. */
export type WriteOutcome = ReplicaOutcome | { readonly kind: 'journalled' } | { readonly kind: 'duplicate' };

export interface TwinView {
  readonly bootId: string | undefined;
  readonly version: number;
  readonly ts: string | undefined;
  readonly status: GatewayStatus | undefined;
  readonly reported: TwinReported | undefined;
}

export interface GatewaySummary {
  readonly site: string;
  readonly gateway: string;
  readonly online: boolean;
  readonly bootId: string | undefined;
  readonly version: number;
  readonly ts: string | undefined;
  /** When the centre last received anything from this gateway. */
  readonly lastSeen: string | undefined;
  readonly devicesOnline: number | undefined;
  readonly devicesTotal: number | undefined;
  /** The gateway's unconfirmed outbox records per sink and lane, as of its last health report. */
  readonly outboxBacklog: TwinReported['gateway']['outboxBacklog'];
  readonly activeAlarms: number;
  readonly resyncs: number;
  readonly rejectedMessages: number;
  readonly lastRejection: string | undefined;
}

export interface ActiveAlarm extends TwinAlarm {
  readonly site: string;
  readonly gateway: string;
  readonly alarmId: string;
}

export interface JournalQuery {
  readonly site?: string;
  readonly gateway?: string;
  /** Matches alarm id, device, point or condition (case-insensitive substring). */
  readonly text?: string;
  readonly event?: string;
  readonly priority?: number;
  readonly limit?: number;
}

export interface JournalRow {
  readonly site: string;
  readonly gateway: string;
  readonly bootId: string;
  readonly seq: number;
  readonly receivedAt: string;
  readonly event: AlarmEvent;
}

export interface CentreRequest {
  readonly clientToken: string;
  readonly site: string;
  readonly gateway: string;
  /** `desired` or a command name (ack, shelve, …). */
  readonly name: string;
  readonly body: Record<string, unknown>;
  /** Who sent it: the operator the centre authenticated (audit). */
  readonly operator: string;
  readonly sentAt: string;
}

export interface RequestRow extends CentreRequest {
  readonly answeredAt: string | undefined;
  readonly ok: boolean | undefined;
  readonly answer: unknown;
}

export interface StatusRow {
  readonly online: boolean;
  readonly bootId: string;
  readonly ts: string;
  readonly receivedAt: string;
}

export type StoreChange =
  | { readonly type: 'twin'; readonly site: string; readonly gateway: string; readonly bootId: string; readonly version: number }
  | { readonly type: 'alarm'; readonly site: string; readonly gateway: string; readonly event: AlarmEvent }
  | { readonly type: 'status'; readonly site: string; readonly gateway: string; readonly status: GatewayStatus };
