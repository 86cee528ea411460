import Database from 'better-sqlite3';

/**
 * SQLite's page cache of one connection, in KiB. better-sqlite3 builds SQLite
 * with a 16 MB default (SQLITE_DEFAULT_CACHE_SIZE=-16000, its deps/defines.gypi)
 * per connection: the gateway's five connections would hold up to 80 MB of
 * pages as their files grow — the soak's slow RSS growth in glibc's main
 * arena (docs/BENCHMARKS.md) — for pages the kernel's page cache keeps
 * anyway. Each store takes what its hot path touches: the newest records
 * and cursors of the outbox, the open history buckets' rows, a few pages of
 * alarm state and audit.
 */
export const SQLITE_CACHE_KIB = {
  outbox: 2048,
  history: 2048,
  alarms: 1024,
  audit: 512,
  /** The dashboard's alarm journal reader: a page of entries at a time. */
  journalReader: 512,
} as const;

export interface SqliteOpenOptions {
  readonly cacheKiB: number;
  /** A reader beside the writer of the same file (WAL): no journal or sync settings of its own. */
  readonly readonly?: boolean;
  /**
   * WAL pages after which a commit checkpoints (SQLite's default 1000): the
   * commit that crosses it copies them into the file on the caller's thread.
   */
  readonly walAutocheckpointPages?: number;
}

/**
 * Opens a store's database: WAL with synchronous=NORMAL for a writer (a
 * commit is durable once the WAL is synced; the outbox syncs alarm commits
 * fully, sqlite-outbox-store.ts), and a bounded page cache.
 */
export function openSqlite(file: string, options: SqliteOpenOptions): Database.Database {
  const db = options.readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file);
  // A negative cache_size is in KiB (https://sqlite.org/pragma.html#pragma_cache_size).
  db.pragma(`cache_size = -${Math.max(64, Math.floor(options.cacheKiB))}`);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    if (options.walAutocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${Math.floor(options.walAutocheckpointPages)}`);
  }
  return db;
}
