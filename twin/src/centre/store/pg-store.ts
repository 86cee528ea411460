import pg from 'pg';
import type { AlarmEvent } from '../../alarm-event.js';
import type { GatewayStatus } from '../../status.js';
import type { TwinPatch, TwinSnapshot } from '../../twin-document.js';
import type { ReplicaOutcome } from '../../twin-replica.js';
import type { CentreRequest, CentreStore, StoreChange, StoreWrite, WriteOutcome } from './centre-store.js';
import { CHANGES_CHANNEL, writeBatch } from './pg-batch-write.js';
import { PgListener } from './pg-listener.js';
import { migrate } from './pg-migrations.js';
import { PgReads } from './pg-reads.js';
import { writeOne } from './write-one.js';

export { CHANGES_CHANNEL };

export interface PgStoreOptions {
  /** `postgres://user@host:port/db` */
  readonly url: string;
  /** Connections in the pool: how many messages one instance writes at once. */
  readonly poolSize?: number;
}

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

/**
 * The centre's state in PostgreSQL, shared by every instance. Twin and
 * journal writes come in batches (pg-batch-write.ts: one transaction per
 * batch); status, refusals, resync claims and requests are one statement
 * each (a CTE that also NOTIFYs the change where the feed shows it).
 */
export class PgCentreStore extends PgReads implements CentreStore {
  readonly #listeners = new Set<(change: StoreChange) => void>();
  readonly #listener: PgListener;

  private constructor(pool: pg.Pool, url: string) {
    super(pool);
    this.#listener = new PgListener({
      url,
      channel: CHANGES_CHANNEL,
      onPayload: (payload) => {
        const change = JSON.parse(payload) as StoreChange;
        for (const l of this.#listeners) l(change);
      },
    });
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

  async write(batch: readonly StoreWrite[]): Promise<WriteOutcome[]> {
    const client = await this.pool.connect();
    try {
      return await writeBatch(client, batch);
    } finally {
      client.release();
    }
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
    this.#listener.start();
    return () => this.#listeners.delete(listener);
  }

  /** True while the NOTIFY listener is connected and LISTENing (it reconnects by itself after the database restarts). */
  get listening(): boolean {
    return this.#listener.listening;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#listener.close();
    await this.pool.end();
  }
}
