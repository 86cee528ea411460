import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NORMAL_LIFECYCLE } from '../../../core/src/alarms/lifecycle.js';
import { MemoryAlarmStateStore } from '../../../gateway/src/alarms/alarm-state-store.js';
import type { AlarmTransition } from '../../../gateway/src/alarms/alarm-transition.js';
import { openAlarmStore, SqliteAlarmStateStore } from '../../../gateway/src/alarms/sqlite-alarm-state-store.js';
import { isLifelineError } from '../../../gateway/src/errors.js';
import { tempStateDir } from '../../support/state-dir.js';
import { alarmStateStoreContract } from './alarm-state-store.contract.js';

alarmStateStoreContract('in memory', () => {
  const store = new MemoryAlarmStateStore();
  // One process: the "next opening" is the same store, as the gateway without durable state sees it.
  return { store, reopen: () => store };
});

alarmStateStoreContract('SQLite', () => {
  const file = join(tempStateDir(), 'alarms.db');
  return { store: new SqliteAlarmStateStore(file), reopen: () => new SqliteAlarmStateStore(file) };
});

describe('SQLite alarm state store', () => {
  it('stamps saved state with the injected clock', () => {
    const file = join(tempStateDir(), 'alarms.db');
    const store = new SqliteAlarmStateStore(file, 100, { now: () => 1_234_567 });
    store.save({ alarmId: 'a', conditionActive: false, lifecycle: NORMAL_LIFECYCLE, lastValue: 0, lastSourceTs: 0 });
    store.close();
    const db = new Database(file, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT updated_at FROM alarm_state').all(), [{ updated_at: 1_234_567 }]);
    } finally {
      db.close();
    }
  });

  it('upgrades a journal from before event ids: old records kept, none pending, new ones pending until published', () => {
    const file = join(tempStateDir(), 'alarms.db');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE alarm_state (alarm_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE alarm_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT, alarm_id TEXT NOT NULL, event TEXT NOT NULL, detected_at TEXT NOT NULL, record TEXT NOT NULL);
      INSERT INTO alarm_history (alarm_id, event, detected_at, record) VALUES ('a', 'raise', 't0', '{"alarmId":"a","event":"raise"}');`);
    old.close();
    const store = new SqliteAlarmStateStore(file);
    try {
      assert.match(store.journalId, /^[0-9a-f]{8}$/);
      assert.deepEqual(store.unpublished(), []);
      const clear = { alarmId: 'a', event: 'clear', eventId: `a#1@${store.journalId}`, detectedAt: 't1' } as unknown as AlarmTransition;
      store.save({ alarmId: 'a', conditionActive: false, lifecycle: NORMAL_LIFECYCLE, lastValue: 0, lastSourceTs: 0 }, clear);
      assert.deepEqual(store.unpublished(), [clear]);
      assert.deepEqual(
        store.history().map((h) => h.event),
        ['clear', 'raise'],
      );
    } finally {
      store.close();
    }
  });

  it('runs in WAL mode', () => {
    const file = join(tempStateDir(), 'alarms.db');
    new SqliteAlarmStateStore(file).close();
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });
});

describe('opening the alarm store', () => {
  it('creates the state folder, and names the file and the fix when it cannot', async () => {
    const dir = join(tempStateDir(), 'nested', 'state');
    openAlarmStore(dir).close();
    assert.ok(existsSync(join(dir, 'alarms.db')));
    const blocker = join(tempStateDir(), 'a-file');
    writeFileSync(blocker, '');
    assert.throws(
      () => openAlarmStore(join(blocker, 'state')),
      (e: unknown) =>
        isLifelineError(e, 'LL_ERR_ALARM_STORE') && e.message.includes(join(blocker, 'state', 'alarms.db')) && /writable/.test(e.hint),
    );
  });
});
