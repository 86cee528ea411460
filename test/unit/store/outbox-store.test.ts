import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sinon from 'sinon';
import { MemoryOutboxStore } from '../../../gateway/src/store/memory-outbox-store.js';
import { syncedAtCommit } from '../../../gateway/src/store/outbox-store.js';
import { SqliteOutboxStore } from '../../../gateway/src/store/sqlite-outbox-store.js';
import { outboxStoreContract } from './outbox-store-contract.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-outbox-'));
  dirs.push(dir);
  return join(dir, 'outbox.db');
};

outboxStoreContract('memory', (options) => new MemoryOutboxStore(options));
outboxStoreContract('sqlite', (options) => new SqliteOutboxStore(tempFile(), options));

describe('SqliteOutboxStore durability', () => {
  const sinks = { centre: ['alarm', 'telemetry'] as const };
  const options = { sinks, budgetBytes: 1_000_000, telemetryRetentionMs: 0 };

  it('keeps records, cursors and counters across a reopen; seq continues', () => {
    const file = tempFile();
    const first = new SqliteOutboxStore(file, options);
    first.append([
      { lane: 'alarm', topic: 'a', payload: '1' },
      { lane: 'alarm', topic: 'a', payload: '2' },
      { lane: 'telemetry', topic: 't', payload: '3' },
    ]);
    first.ack('centre', 'alarm', 1);
    first.close();
    const second = new SqliteOutboxStore(file, options);
    try {
      assert.deepEqual(
        second.read(second.cursor('centre', 'alarm'), 10).map((r) => r.payload),
        ['2'],
      );
      assert.equal(second.append([{ lane: 'alarm', topic: 'a', payload: '4' }])[0]?.seq, 4);
      assert.equal(second.stats().bytes, 2 + 2 + 2);
    } finally {
      second.close();
    }
  });

  it('drops the cursor of a sink removed from the config, freeing what only it held', () => {
    const file = tempFile();
    const first = new SqliteOutboxStore(file, { ...options, sinks: { centre: ['alarm'], old: ['alarm'] } });
    first.append([{ lane: 'alarm', topic: 'a', payload: '1' }]);
    first.ack('centre', 'alarm', 1);
    assert.equal(first.stats().lanes.alarm.depth, 1);
    first.close();
    const second = new SqliteOutboxStore(file, { ...options, sinks: { centre: ['alarm'] } });
    try {
      assert.equal(second.stats().lanes.alarm.depth, 0);
    } finally {
      second.close();
    }
  });

  it('runs in WAL mode, so a commit survives kill -9 without a rollback journal', () => {
    const file = tempFile();
    const s = new SqliteOutboxStore(file, options);
    s.close();
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('syncs an alarm commit before append returns; telemetry and acks in the thread pool, one fsync at a time', async () => {
    const file = tempFile();
    const fsyncs: { path: string; done: () => void }[] = [];
    const fsync = sinon.spy((path: string) => new Promise<void>((done) => fsyncs.push({ path, done })));
    const pragma = sinon.spy(Database.prototype, 'pragma');
    const s = new SqliteOutboxStore(file, { ...options, fsync });
    try {
      const settings = () => pragma.getCalls().map((c) => String(c.args[0]));
      pragma.resetHistory();
      s.append([{ lane: 'telemetry', topic: 't', payload: '1' }]);
      assert.deepEqual(settings(), [], 'a telemetry commit runs with synchronous=NORMAL');
      assert.deepEqual(fsync.args, [[`${file}-wal`]], 'and sets off an fsync of the WAL at once, off the event loop');
      s.append([{ lane: 'telemetry', topic: 't', payload: '2' }]);
      s.ack('centre', 'telemetry', 1);
      assert.equal(fsync.callCount, 1, 'one fsync at a time');
      const synced = s.sync();
      fsyncs[0]?.done();
      await new Promise((r) => setImmediate(r));
      assert.equal(fsync.callCount, 2, 'the commits made during the first are taken by the next');
      fsyncs[1]?.done();
      await synced;
      assert.equal(fsync.callCount, 2);
      await s.sync();
      assert.equal(fsync.callCount, 2, 'nothing new: no fsync');

      s.append([{ lane: 'alarm', topic: 'a', payload: '{}' }]);
      assert.deepEqual(settings(), ['synchronous = FULL', 'synchronous = NORMAL'], 'an alarm commit is synced at commit');
      assert.equal(fsync.callCount, 2, 'and needs no fsync of ours');
      await s.sync();
      assert.equal(fsync.callCount, 2);
    } finally {
      pragma.restore();
      s.close();
    }
  });

  it('leaves a failed fsync for the next sync() to retry, which rejects while the disk fails', async () => {
    const fsync = sinon.stub().rejects(new Error('EIO'));
    const s = new SqliteOutboxStore(tempFile(), { ...options, fsync });
    try {
      s.append([{ lane: 'telemetry', topic: 't', payload: '{}' }]);
      await new Promise((r) => setImmediate(r));
      assert.equal(fsync.callCount, 1, 'no retry loop after a failure');
      await assert.rejects(s.sync(), /EIO/);
      fsync.resolves();
      await s.sync();
      assert.equal(fsync.callCount, 3);
      await s.sync();
      assert.equal(fsync.callCount, 3);
    } finally {
      s.close();
    }
  });

  it('syncs at commit exactly the batches that hold an alarm', () => {
    assert.equal(syncedAtCommit([{ lane: 'alarm' }]), true);
    assert.equal(syncedAtCommit([{ lane: 'twin' }, { lane: 'alarm' }]), true);
    assert.equal(syncedAtCommit([{ lane: 'twin' }, { lane: 'telemetry' }]), false);
    assert.equal(syncedAtCommit([]), false);
  });
});
