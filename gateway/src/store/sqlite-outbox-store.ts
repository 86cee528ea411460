import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock } from '@lifeline/core';
import type Database from 'better-sqlite3';
import {
  consumers,
  isFullTwin,
  LANES,
  type Lane,
  type OutboxCursor,
  type OutboxEntry,
  type OutboxStats,
  type OutboxStore,
  type OutboxStoreOptions,
  payloadBytes,
  perLane,
  type SinkLanes,
  type StoredRecord,
  syncedAtCommit,
} from './outbox-store.js';
import { openSqlite, SQLITE_CACHE_KIB } from './sqlite-database.js';

interface Row {
  seq: number;
  lane: Lane;
  topic: string;
  payload: string;
  retain: number;
  created_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  lane TEXT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  retain INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_lane_seq ON outbox (lane, seq);
CREATE TABLE IF NOT EXISTS cursors (sink TEXT NOT NULL, lane TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (sink, lane));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/**
 * The outbox in SQLite (better-sqlite3) with WAL. Every commit survives a
 * kill -9 (it is in the WAL). A commit of an alarm runs with synchronous=FULL,
 * which syncs the WAL — and with it every earlier commit — before `append`
 * returns; the rest run with NORMAL (no sync of their own) and each sets off
 * an fsync of the WAL file in the thread pool instead of on the event loop —
 * one at a time, the commits made meanwhile taken by the next (SQLite docs,
 * "Write-Ahead Logging", PRAGMA synchronous; fsync(2) flushes the file,
 * whichever descriptor). `sync()` waits for them (the owner's timer, stop).
 */
export class SqliteOutboxStore implements OutboxStore {
  readonly #db: Database.Database;
  readonly #options: OutboxStoreOptions;
  readonly #now: () => number;
  readonly #insert: Database.Statement;
  readonly #read: Database.Statement;
  readonly #twinBytesBefore: Database.Statement;
  readonly #dropTwinBefore: Database.Statement;
  readonly #setCursor: Database.Statement;
  readonly #getCursor: Database.Statement;
  readonly #prune: Database.Statement;
  readonly #oldestTelemetry: Database.Statement;
  readonly #deleteTelemetryUpTo: Database.Statement;
  readonly #count: Database.Statement;
  readonly #bump: Database.Statement;
  readonly #wal: string;
  #bytes: number;
  /** Commits made without a sync, counted; and how many of them are known to be on disk. */
  #committed = 0;
  #synced = 0;
  /** The fsync of the WAL in the thread pool, at most one at a time. */
  #inFlight: Promise<void> | undefined;

  readonly #fsync: (path: string) => Promise<void>;

  /** `fsync` is for tests: what `sync()` calls on the WAL file. */
  constructor(file: string, options: OutboxStoreOptions & { fsync?: (path: string) => Promise<void> }) {
    mkdirSync(dirname(file), { recursive: true });
    this.#options = options;
    // The store has no clock of its own: the owner passes its Clock's now (tests a fixed one).
    this.#now = options.now ?? systemClock.now;
    const db = openSqlite(file, { cacheKiB: SQLITE_CACHE_KIB.outbox });
    this.#db = db;
    this.#wal = `${file}-wal`;
    this.#fsync = options.fsync ?? fsyncFile;
    db.exec(SCHEMA);
    this.#insert = db.prepare('INSERT INTO outbox (lane, topic, payload, retain, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#read = db.prepare(
      'SELECT seq, lane, topic, payload, retain, created_at FROM outbox WHERE lane = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.#twinBytesBefore = db.prepare("SELECT coalesce(sum(bytes), 0) AS b FROM outbox WHERE lane = 'twin' AND seq < ?");
    this.#dropTwinBefore = db.prepare("DELETE FROM outbox WHERE lane = 'twin' AND seq < ?");
    this.#setCursor = db.prepare(
      'INSERT INTO cursors (sink, lane, seq) VALUES (?, ?, ?) ON CONFLICT (sink, lane) DO UPDATE SET seq = max(seq, excluded.seq)',
    );
    this.#getCursor = db.prepare('SELECT seq FROM cursors WHERE sink = ? AND lane = ?');
    this.#prune = db.prepare('DELETE FROM outbox WHERE lane = ? AND seq <= ?');
    this.#oldestTelemetry = db.prepare("SELECT seq, bytes FROM outbox WHERE lane = 'telemetry' ORDER BY seq LIMIT 256");
    this.#deleteTelemetryUpTo = db.prepare("DELETE FROM outbox WHERE lane = 'telemetry' AND seq <= ?");
    this.#count = db.prepare('SELECT value FROM counters WHERE name = ?');
    this.#bump = db.prepare(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    );
    this.#bytes = (db.prepare('SELECT coalesce(sum(bytes), 0) AS b FROM outbox').get() as { b: number }).b;
    this.#forgetRemovedSinks();
  }

  get sinks(): SinkLanes {
    return this.#options.sinks;
  }

  append(entries: readonly OutboxEntry[]): StoredRecord[] {
    if (!syncedAtCommit(entries)) {
      const records = this.#appendCommitted(entries);
      this.#committedUnsynced();
      return records;
    }
    this.#db.pragma('synchronous = FULL');
    try {
      const records = this.#appendCommitted(entries);
      this.#synced = this.#committed;
      return records;
    } finally {
      this.#db.pragma('synchronous = NORMAL');
    }
  }

  /** Resolves once every commit made before the call is on disk; rejects when the fsync fails. */
  async sync(): Promise<void> {
    const target = this.#committed;
    while (this.#synced < target && this.#db.open) await (this.#inFlight ?? this.#startSync());
  }

  /**
   * A commit without a sync: the WAL is fsync'd at once in the thread pool (or
   * right after the fsync in flight), so what an alarm's synced commit has to
   * flush with it stays small — one fsync's worth of writes, not a second's.
   */
  #committedUnsynced(): void {
    this.#committed += 1;
    if (this.#inFlight === undefined) this.#startSync().catch(() => undefined); // the owner's sync() retries and logs
  }

  #startSync(): Promise<void> {
    const upTo = this.#committed;
    let failed = false;
    const run = this.#fsync(this.#wal)
      .then(() => {
        this.#synced = Math.max(this.#synced, upTo);
      })
      .catch((e: unknown) => {
        failed = true;
        throw e;
      })
      .finally(() => {
        this.#inFlight = undefined;
        // Commits made during that fsync are not covered by it; after a failure, the owner's timer retries.
        if (!failed && this.#synced < this.#committed && this.#db.open) this.#startSync().catch(() => undefined);
      });
    this.#inFlight = run;
    return run;
  }

  #appendCommitted(entries: readonly OutboxEntry[]): StoredRecord[] {
    const createdAt = this.#now();
    return this.#db.transaction(() => {
      const records = entries.map((e): StoredRecord => {
        const retain = e.retain ?? false;
        const bytes = payloadBytes(e);
        if (consumers(this.#options.sinks, e.lane).length === 0) {
          // Nobody consumes this lane: still number it, keep nothing.
          const seq = Number(this.#insert.run(e.lane, e.topic, '', 0, 0, createdAt).lastInsertRowid);
          this.#prune.run(e.lane, seq);
          return { lane: e.lane, topic: e.topic, payload: e.payload, retain, seq, createdAt };
        }
        const seq = Number(this.#insert.run(e.lane, e.topic, e.payload, retain ? 1 : 0, bytes, createdAt).lastInsertRowid);
        this.#bytes += bytes;
        if (isFullTwin(e)) this.#supersedeTwinBefore(seq);
        return { lane: e.lane, topic: e.topic, payload: e.payload, retain, seq, createdAt };
      });
      this.#enforceBudget();
      return records;
    })();
  }

  read(cursor: OutboxCursor, n: number): StoredRecord[] {
    return (this.#read.all(cursor.lane, cursor.after, n) as Row[]).map((r) => ({
      seq: r.seq,
      lane: r.lane,
      topic: r.topic,
      payload: r.payload,
      retain: r.retain === 1,
      createdAt: r.created_at,
    }));
  }

  cursor(sink: string, lane: Lane): OutboxCursor {
    const row = this.#getCursor.get(sink, lane) as { seq: number } | undefined;
    return { sink, lane, after: row?.seq ?? 0 };
  }

  ack(sink: string, lane: Lane, seq: number): void {
    this.#db.transaction(() => {
      this.#setCursor.run(sink, lane, seq);
      this.#pruneLane(lane);
    })();
    this.#committedUnsynced();
  }

  expire(): number {
    if (this.#options.telemetryRetentionMs <= 0) return 0;
    const before = this.#now() - this.#options.telemetryRetentionMs;
    return this.#db.transaction(() => {
      const row = this.#db
        .prepare("SELECT coalesce(max(seq), 0) AS seq FROM outbox WHERE lane = 'telemetry' AND created_at < ?")
        .get(before) as { seq: number };
      const n = this.#dropTelemetryUpTo(row.seq);
      if (n > 0) this.#bump.run('expired', n);
      return n;
    })();
  }

  stats(): OutboxStats {
    const laneRows = this.#db
      .prepare('SELECT lane, count(*) AS depth, coalesce(sum(bytes), 0) AS bytes FROM outbox GROUP BY lane')
      .all() as {
      lane: Lane;
      depth: number;
      bytes: number;
    }[];
    const lanes = perLane(() => ({ depth: 0, bytes: 0 }));
    for (const r of laneRows) lanes[r.lane] = { depth: r.depth, bytes: r.bytes };
    const pending = this.#db.prepare('SELECT count(*) AS n FROM outbox WHERE lane = ? AND seq > ?');
    const sinks = Object.fromEntries(
      Object.entries(this.#options.sinks).map(([sink, sinkLanes]) => [
        sink,
        Object.fromEntries(
          sinkLanes.map((l) => {
            const after = this.cursor(sink, l).after;
            return [l, { cursor: after, pending: (pending.get(l, after) as { n: number }).n }];
          }),
        ),
      ]),
    );
    const last = this.#db.prepare("SELECT coalesce(max(seq), 0) AS seq FROM sqlite_sequence WHERE name = 'outbox'").get() as {
      seq: number;
    };
    return {
      lanes,
      bytes: this.#bytes,
      budgetBytes: this.#options.budgetBytes,
      evicted: this.#counter('evicted'),
      expired: this.#counter('expired'),
      lastSeq: last.seq,
      sinks,
    };
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #counter(name: string): number {
    return (this.#count.get(name) as { value: number } | undefined)?.value ?? 0;
  }

  /** Deletes what every consumer of the lane has acked. */
  #pruneLane(lane: Lane): void {
    const held = consumers(this.#options.sinks, lane).map((s) => this.cursor(s, lane).after);
    const upTo = held.length === 0 ? Number.MAX_SAFE_INTEGER : Math.min(...held);
    if (lane === 'telemetry') this.#dropTelemetryUpTo(upTo);
    else {
      const freed = this.#db.prepare('SELECT coalesce(sum(bytes), 0) AS b FROM outbox WHERE lane = ? AND seq <= ?').get(lane, upTo) as {
        b: number;
      };
      this.#prune.run(lane, upTo);
      this.#bytes -= freed.b;
    }
  }

  /** Oldest telemetry first, until the store fits its budget; alarms and twin are never touched. */
  #enforceBudget(): void {
    let evicted = 0;
    while (this.#bytes > this.#options.budgetBytes) {
      const oldest = this.#oldestTelemetry.all() as { seq: number; bytes: number }[];
      if (oldest.length === 0) break;
      let bytes = this.#bytes;
      let cut = 0;
      for (const r of oldest) {
        bytes -= r.bytes;
        cut = r.seq;
        if (bytes <= this.#options.budgetBytes) break;
      }
      evicted += this.#dropTelemetryUpTo(cut);
    }
    if (evicted > 0) this.#bump.run('evicted', evicted);
  }

  /** A full twin was committed as `seq`: every earlier twin record is superseded (isFullTwin). */
  #supersedeTwinBefore(seq: number): void {
    this.#bytes -= (this.#twinBytesBefore.get(seq) as { b: number }).b;
    this.#dropTwinBefore.run(seq);
  }

  #dropTelemetryUpTo(seq: number): number {
    const freed = this.#db
      .prepare("SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM outbox WHERE lane = 'telemetry' AND seq <= ?")
      .get(seq) as { n: number; b: number };
    if (freed.n === 0) return 0;
    this.#deleteTelemetryUpTo.run(seq);
    this.#bytes -= freed.b;
    return freed.n;
  }

  /** A sink removed from the config must not hold records forever. */
  #forgetRemovedSinks(): void {
    const known = new Set(Object.keys(this.#options.sinks));
    const rows = this.#db.prepare('SELECT DISTINCT sink FROM cursors').all() as { sink: string }[];
    for (const { sink } of rows) if (!known.has(sink)) this.#db.prepare('DELETE FROM cursors WHERE sink = ?').run(sink);
    for (const lane of LANES) this.#pruneLane(lane);
  }
}

/** fsync(2) of a file from the thread pool; a file that is gone has nothing left to sync. */
async function fsyncFile(path: string): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (e) {
    // No WAL: closed, or checkpointed away — what it held is in the database file, synced by the checkpoint.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}
