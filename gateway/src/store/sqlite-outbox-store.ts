import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock } from '@lifeline/core';
import Database from 'better-sqlite3';
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
 * returns; the rest run with NORMAL (no sync) and reach the disk at the next
 * alarm commit, checkpoint or `sync()`, which fsyncs the WAL file from the
 * thread pool instead of the event loop (SQLite docs, "Write-Ahead Logging",
 * PRAGMA synchronous; fsync(2) flushes the file, whichever descriptor).
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
  /** Commits since the last sync reached the disk. */
  #unsynced = false;

  readonly #fsync: (path: string) => Promise<void>;

  /** `fsync` is for tests: what `sync()` calls on the WAL file. */
  constructor(file: string, options: OutboxStoreOptions & { fsync?: (path: string) => Promise<void> }) {
    mkdirSync(dirname(file), { recursive: true });
    this.#options = options;
    // The store has no clock of its own: the owner passes its Clock's now (tests a fixed one).
    this.#now = options.now ?? systemClock.now;
    const db = new Database(file);
    this.#db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
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
      this.#unsynced = true;
      return this.#appendCommitted(entries);
    }
    this.#db.pragma('synchronous = FULL');
    try {
      const records = this.#appendCommitted(entries);
      this.#unsynced = false;
      return records;
    } finally {
      this.#db.pragma('synchronous = NORMAL');
    }
  }

  async sync(): Promise<void> {
    if (!this.#unsynced || !this.#db.open) return;
    this.#unsynced = false;
    try {
      await this.#fsync(this.#wal);
    } catch (e) {
      this.#unsynced = true;
      throw e;
    }
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
    this.#unsynced = true;
    this.#db.transaction(() => {
      this.#setCursor.run(sink, lane, seq);
      this.#pruneLane(lane);
    })();
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
