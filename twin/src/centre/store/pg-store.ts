import pg from 'pg';
import type { AlarmEvent } from '../../alarm-event.js';
import type { GatewayStatus } from '../../status.js';
import type { TwinPatch, TwinReported, TwinSnapshot } from '../../twin-document.js';
import { type ReplicaOutcome, TwinReplica } from '../../twin-replica.js';
import type { CentreRequest, CentreStore, StoreChange } from './centre-store.js';
import { migrate } from './pg-migrations.js';
import { PgReads } from './pg-reads.js';

export interface PgStoreOptions {
  /** `postgres://user@host:port/db` */
  readonly url: string;
  /** Connections in the pool: how many messages one instance writes at once. */
  readonly poolSize?: number;
}

/** The NOTIFY channel every instance listens on: its WebSocket feed shows what any instance stored. */
export const CHANGES_CHANNEL = 'lifeline_centre';

/** Touches the gateway row in the same statement as the write it goes with. */
const SEEN = `g AS (INSERT INTO gateways (site, gateway, last_seen) VALUES ($1, $2, now())
  ON CONFLICT (site, gateway) DO UPDATE SET last_seen = EXCLUDED.last_seen)`;

const SNAPSHOT = `WITH ${SEEN}, up AS (
  INSERT INTO twins (site, gateway, boot_id, version, ts, ts_ms, reported, alarm_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (site, gateway) DO UPDATE SET boot_id = EXCLUDED.boot_id, version = EXCLUDED.version, ts = EXCLUDED.ts,
    ts_ms = EXCLUDED.ts_ms, reported = EXCLUDED.reported, alarm_seq = EXCLUDED.alarm_seq
  WHERE (twins.boot_id = EXCLUDED.boot_id AND twins.version <= EXCLUDED.version)
     OR (twins.boot_id <> EXCLUDED.boot_id AND twins.ts_ms <= EXCLUDED.ts_ms)
  RETURNING 1)
SELECT pg_notify('${CHANGES_CHANNEL}', $9) FROM up`;

// Optimistic: the row changes only if nobody changed it since we read it.
const PATCH = `WITH ${SEEN}, up AS (
  UPDATE twins SET version = $5, ts = $6, ts_ms = $7, reported = $8, alarm_seq = $9
  WHERE site = $1 AND gateway = $2 AND boot_id = $3 AND version = $4 RETURNING 1)
SELECT pg_notify('${CHANGES_CHANNEL}', $10) FROM up`;

const ALARM = `WITH ${SEEN}, ins AS (
  INSERT INTO alarm_journal (site, gateway, boot_id, seq, event_id, alarm_id, event, priority, received_at, body)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING 1)
SELECT pg_notify('${CHANGES_CHANNEL}', $11) FROM ins`;

const STATUS = `WITH up AS (
  INSERT INTO gateways (site, gateway, online, status, last_seen) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (site, gateway) DO UPDATE SET last_seen = EXCLUDED.last_seen,
    online = CASE WHEN gateways.status IS NULL OR gateways.status->>'ts' <= EXCLUDED.status->>'ts' THEN EXCLUDED.online ELSE gateways.online END,
    status = CASE WHEN gateways.status IS NULL OR gateways.status->>'ts' <= EXCLUDED.status->>'ts' THEN EXCLUDED.status ELSE gateways.status END),
h AS (INSERT INTO gateway_status (site, gateway, online, boot_id, ts, received_at) VALUES ($1, $2, $3, $6, $7, $5) ON CONFLICT DO NOTHING)
SELECT pg_notify('${CHANGES_CHANNEL}', $8)`;

const REJECTION = `INSERT INTO gateways (site, gateway, last_seen, rejected, last_rejection) VALUES ($1, $2, $3, 1, $4)
  ON CONFLICT (site, gateway) DO UPDATE SET rejected = gateways.rejected + 1, last_rejection = EXCLUDED.last_rejection, last_seen = EXCLUDED.last_seen`;

// One instance wins the claim; the others see the fresh timestamp and stay quiet.
const CLAIM_RESYNC = `INSERT INTO gateways (site, gateway, resync_asked_ms, resyncs) VALUES ($1, $2, $3, 1)
  ON CONFLICT (site, gateway) DO UPDATE SET resync_asked_ms = EXCLUDED.resync_asked_ms, resyncs = gateways.resyncs + 1
  WHERE gateways.resync_asked_ms IS NULL OR $3 - gateways.resync_asked_ms >= $4
  RETURNING 1`;

/** How often a patch re-reads the twin when another instance changed it between read and write. */
const PATCH_ATTEMPTS = 5;

/**
 * The centre's state in PostgreSQL, shared by every instance. Each message
 * is one statement (a CTE that also touches the gateway's `last_seen` and
 * NOTIFYs the change), except a patch: read, merge in process, write back
 * only if the version is still the one read.
 */
export class PgCentreStore extends PgReads implements CentreStore {
  #listener: pg.Client | undefined;
  readonly #listeners = new Set<(change: StoreChange) => void>();
  readonly #url: string;

  private constructor(pool: pg.Pool, url: string) {
    super(pool);
    this.#url = url;
  }

  /** Connects and applies the schema migrations the database lacks. */
  static async open(options: PgStoreOptions): Promise<PgCentreStore> {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 8 });
    // An idle connection the server dropped must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    try {
      await migrate(pool);
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PgCentreStore(pool, options.url);
  }

  async applySnapshot(s: TwinSnapshot): Promise<ReplicaOutcome> {
    const change: StoreChange = { type: 'twin', site: s.site, gateway: s.gateway, bootId: s.bootId, version: s.version };
    const r = await this.pool.query(SNAPSHOT, [
      s.site,
      s.gateway,
      s.bootId,
      s.version,
      s.ts,
      Date.parse(s.ts),
      s.reported,
      s.reported.alarmSeq,
      JSON.stringify(change),
    ]);
    return r.rowCount === 1 ? { kind: 'applied' } : { kind: 'stale' };
  }

  async applyPatch(p: TwinPatch): Promise<ReplicaOutcome> {
    for (let attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
      const stored = await this.pool.query<{ boot_id: string; version: number; ts: string; reported: TwinReported }>(
        'SELECT boot_id, version, ts, reported FROM twins WHERE site = $1 AND gateway = $2',
        [p.site, p.gateway],
      );
      const row = stored.rows[0];
      const replica = new TwinReplica();
      if (row)
        replica.applySnapshot({
          site: p.site,
          gateway: p.gateway,
          bootId: row.boot_id,
          version: row.version,
          ts: row.ts,
          reported: row.reported,
        });
      const outcome = replica.applyPatch(p);
      if (outcome.kind !== 'applied' || !row) return outcome;
      const reported = replica.reported as TwinReported;
      const change: StoreChange = { type: 'twin', site: p.site, gateway: p.gateway, bootId: p.bootId, version: p.version };
      const r = await this.pool.query(PATCH, [
        p.site,
        p.gateway,
        row.boot_id,
        row.version,
        p.version,
        p.ts,
        Date.parse(p.ts),
        reported,
        reported.alarmSeq,
        JSON.stringify(change),
      ]);
      if (r.rowCount === 1) return outcome;
    }
    return { kind: 'gap', reason: `the twin kept changing under patch ${p.base}→${p.version}` };
  }

  async appendAlarm(event: AlarmEvent, receivedAt: string): Promise<boolean> {
    const change: StoreChange = { type: 'alarm', site: event.site, gateway: event.gateway, event };
    const eventId = (event as { eventId?: unknown }).eventId;
    const r = await this.pool.query(ALARM, [
      event.site,
      event.gateway,
      event.bootId,
      event.seq,
      typeof eventId === 'string' ? eventId : null,
      event.alarmId,
      event.event,
      event.priority,
      receivedAt,
      event,
      JSON.stringify(change),
    ]);
    return r.rowCount === 1;
  }

  async recordStatus(site: string, gateway: string, status: GatewayStatus, receivedAt: string): Promise<void> {
    const change: StoreChange = { type: 'status', site, gateway, status };
    await this.pool.query(STATUS, [site, gateway, status.online, status, receivedAt, status.bootId, status.ts, JSON.stringify(change)]);
  }

  async recordRejection(site: string, gateway: string, reason: string, at: string): Promise<void> {
    await this.pool.query(REJECTION, [site, gateway, at, reason.slice(0, 2000)]);
  }

  async claimResync(site: string, gateway: string, nowMs: number, retryMs: number): Promise<boolean> {
    return (await this.pool.query(CLAIM_RESYNC, [site, gateway, nowMs, retryMs])).rowCount === 1;
  }

  async clearResync(site: string, gateway: string): Promise<void> {
    await this.pool.query('UPDATE gateways SET resync_asked_ms = NULL WHERE site = $1 AND gateway = $2 AND resync_asked_ms IS NOT NULL', [
      site,
      gateway,
    ]);
  }

  async recordRequest(r: CentreRequest): Promise<void> {
    await this.pool.query(
      'INSERT INTO requests (client_token, site, gateway, name, body, operator, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
      [r.clientToken, r.site, r.gateway, r.name, r.body, r.operator, r.sentAt],
    );
  }

  async recordAnswer(clientToken: string, ok: boolean, answer: unknown, at: string): Promise<void> {
    await this.pool.query('UPDATE requests SET answered_at = $2, ok = $3, answer = $4 WHERE client_token = $1 AND answered_at IS NULL', [
      clientToken,
      at,
      ok,
      JSON.stringify(answer),
    ]);
  }

  watch(listener: (change: StoreChange) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#listener) this.#listen();
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  #listen(): void {
    const client = new pg.Client({ connectionString: this.#url });
    this.#listener = client;
    client.on('error', () => undefined);
    client.on('notification', (n) => {
      if (!n.payload) return;
      const change = JSON.parse(n.payload) as StoreChange;
      for (const l of this.#listeners) l(change);
    });
    client.connect().then(
      () => client.query(`LISTEN ${CHANGES_CHANNEL}`),
      () => undefined,
    );
  }
}
