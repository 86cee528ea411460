import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { HistoryBucket, HistoryStore } from './history-store.js';
import { openSqlite, SQLITE_CACHE_KIB } from './sqlite-database.js';

/**
 * The local history in SQLite (WAL, synchronous=NORMAL, stored every minute: trends may lose the
 * last minute on power loss; alarms and telemetry live in the outbox, which
 * syncs fully).
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly #db: Database.Database;
  readonly #upsert: Database.Statement;
  readonly #query: Database.Statement;
  readonly #prune: Database.Statement;
  /** One transaction function, made once: a merge is one transaction of prepared upserts. */
  readonly #merge: (tier: string, buckets: readonly HistoryBucket[]) => void;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    const db = openSqlite(file, { cacheKiB: SQLITE_CACHE_KIB.history });
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS history (
      tier TEXT NOT NULL, device TEXT NOT NULL, point TEXT NOT NULL, ts INTEGER NOT NULL,
      count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
      PRIMARY KEY (tier, device, point, ts)) WITHOUT ROWID`);
    this.#upsert = db.prepare(`INSERT INTO history (tier, device, point, ts, count, sum, min, max) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (tier, device, point, ts) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
      min = min(min, excluded.min), max = max(max, excluded.max)`);
    this.#query = db.prepare(
      'SELECT device, point, ts, count, sum, min, max FROM history WHERE tier = ? AND device = ? AND point = ? AND ts >= ? AND ts < ? ORDER BY ts',
    );
    this.#prune = db.prepare('DELETE FROM history WHERE tier = ? AND ts < ?');
    const upsert = this.#upsert;
    this.#merge = db.transaction((tier: string, buckets: readonly HistoryBucket[]) => {
      for (const b of buckets) upsert.run(tier, b.device, b.point, b.ts, b.count, b.sum, b.min, b.max);
    });
  }

  merge(tier: string, buckets: readonly HistoryBucket[]): void {
    this.#merge(tier, buckets);
  }

  query(tier: string, device: string, point: string, fromMs: number, toMs: number): HistoryBucket[] {
    return this.#query.all(tier, device, point, fromMs, toMs) as HistoryBucket[];
  }

  prune(tier: string, beforeMs: number): number {
    return this.#prune.run(tier, beforeMs).changes;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
