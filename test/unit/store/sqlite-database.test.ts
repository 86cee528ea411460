import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, SQLITE_CACHE_KIB } from '../../../gateway/src/store/sqlite-database.js';

describe('openSqlite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'll-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("bounds the page cache instead of better-sqlite3's 16 MB default, and opens a writer in WAL with synchronous=NORMAL", () => {
    const db = openSqlite(join(dir, 'a.db'), { cacheKiB: SQLITE_CACHE_KIB.outbox });
    try {
      assert.equal(db.pragma('cache_size', { simple: true }), -2048);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 1);
    } finally {
      db.close();
    }
  });

  it('opens a reader of an existing file read-only with its own bounded cache, and refuses a missing file', () => {
    const file = join(dir, 'b.db');
    openSqlite(file, { cacheKiB: 1024 }).close();
    const reader = openSqlite(file, { cacheKiB: SQLITE_CACHE_KIB.journalReader, readonly: true });
    try {
      assert.equal(reader.pragma('cache_size', { simple: true }), -512);
      assert.throws(() => reader.exec('CREATE TABLE t (x)'), /readonly/);
    } finally {
      reader.close();
    }
    assert.throws(
      () => openSqlite(join(dir, 'missing.db'), { cacheKiB: 512, readonly: true }),
      /unable to open|directory does not exist|no such file/i,
    );
  });

  it('sets a smaller WAL auto-checkpoint when asked', () => {
    const db = openSqlite(join(dir, 'd.db'), { cacheKiB: 512, walAutocheckpointPages: 50 });
    try {
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 50);
    } finally {
      db.close();
    }
  });

  it('never sets a cache below 64 KiB', () => {
    const db = openSqlite(join(dir, 'c.db'), { cacheKiB: 1 });
    try {
      assert.equal(db.pragma('cache_size', { simple: true }), -64);
    } finally {
      db.close();
    }
  });
});
