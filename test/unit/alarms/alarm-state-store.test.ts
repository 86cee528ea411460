import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NORMAL_LIFECYCLE } from '../../../core/src/alarms/lifecycle.js';
import { MemoryAlarmStateStore } from '../../../gateway/src/alarms/alarm-state-store.js';
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
