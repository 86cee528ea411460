import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { HistoryBucket, HistoryStore, PruneStep, SeriesKey } from './history-store.js';
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
  readonly #nextSeries: Database.Statement<[string, string, string], SeriesKey>;
  readonly #pruneSeries: Database.Statement<[string, string, string, number]>;
  readonly #pruneStep: (tier: string, beforeMs: number, after: SeriesKey | undefined, maxSeries: number) => PruneStep;
  /** One transaction function, made once: a merge is one transaction of prepared upserts. */
  readonly #merge: (tier: string, buckets: readonly HistoryBucket[]) => void;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    // Checkpoints of 50 pages: with SQLite's 1000 the slice that crossed it copied ~4 MB and held the loop 70–115 ms.
    const db = openSqlite(file, { cacheKiB: SQLITE_CACHE_KIB.history, walAutocheckpointPages: 50 });
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
    // Both use the primary key: a seek to the next series, then a range of one series' oldest rows.
    this.#nextSeries = db.prepare(
      'SELECT device, point FROM history WHERE tier = ? AND (device, point) > (?, ?) ORDER BY device, point LIMIT 1',
    );
    this.#pruneSeries = db.prepare('DELETE FROM history WHERE tier = ? AND device = ? AND point = ? AND ts < ?');
    this.#pruneStep = db.transaction((tier: string, beforeMs: number, after: SeriesKey | undefined, maxSeries: number) => {
      let deleted = 0;
      // Device ids are never empty, so ('', '') sorts before every series.
      let last: SeriesKey = after ?? { device: '', point: '' };
      for (let n = 0; n < maxSeries; n++) {
        const next = this.#nextSeries.get(tier, last.device, last.point);
        if (!next) return { deleted };
        deleted += this.#pruneSeries.run(tier, next.device, next.point, beforeMs).changes;
        last = next;
      }
      return { deleted, last };
    });
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

  prune(tier: string, beforeMs: number, after?: SeriesKey, maxSeries = Number.POSITIVE_INFINITY): PruneStep {
    return this.#pruneStep(tier, beforeMs, after, maxSeries);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
