import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, systemClock } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import type Database from 'better-sqlite3';
import { gatewayError } from '../errors.js';
import { openSqlite, SQLITE_CACHE_KIB } from '../store/sqlite-database.js';
import type { AlarmStateStore, HistoryQuery, PersistedAlarm } from './alarm-state-store.js';
import type { AlarmTransition } from './alarm-transition.js';
import { newJournalId } from './event-id.js';

/**
 * Alarm state and audit history in SQLite (`${stateDir}/alarms.db`), WAL
 * journal with synchronous=NORMAL: a committed transition survives a process
 * crash, and the alarm path pays one small transaction per transition, not per
 * reading. The history (the alarm journal) is trimmed to `maxRows`, oldest first.
 * A record is `pending` from the save until the outbox has its event; a
 * partial index keeps finding the pending few cheap.
 */
export class SqliteAlarmStateStore implements AlarmStateStore {
  readonly journalId: string;
  readonly #db: Database.Database;
  readonly #maxRows: number;
  readonly #upsert: Database.Statement<[string, string, number]>;
  readonly #append: Database.Statement<[string, string, string, string, string]>;
  readonly #published: Database.Statement<[string, string]>;
  readonly #trim: Database.Statement<[number]>;
  readonly #saveTx: (alarm: PersistedAlarm, audit?: AlarmTransition) => void;
  #appended = 0;

  constructor(file: string, maxRows = 100_000, clock: Pick<Clock, 'now'> = systemClock) {
    this.#maxRows = maxRows;
    this.#db = openSqlite(file, { cacheKiB: SQLITE_CACHE_KIB.alarms });
    this.journalId = createSchema(this.#db);
    this.#upsert = this.#db.prepare(
      'INSERT INTO alarm_state (alarm_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(alarm_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    );
    this.#append = this.#db.prepare(
      'INSERT INTO alarm_history (alarm_id, event, detected_at, record, event_id, pending) VALUES (?, ?, ?, ?, ?, 1)',
    );
    this.#published = this.#db.prepare('UPDATE alarm_history SET record = ?, pending = 0 WHERE event_id = ? AND pending = 1');
    this.#trim = this.#db.prepare('DELETE FROM alarm_history WHERE id <= (SELECT MAX(id) FROM alarm_history) - ?');
    this.#saveTx = this.#db.transaction((alarm: PersistedAlarm, audit?: AlarmTransition) => {
      this.#upsert.run(alarm.alarmId, JSON.stringify(alarm), clock.now());
      if (audit) this.#append.run(audit.alarmId, audit.event, audit.detectedAt, JSON.stringify(audit), audit.eventId);
    });
  }

  loadAll(): PersistedAlarm[] {
    const rows = this.#db.prepare('SELECT state FROM alarm_state').all() as { state: string }[];
    return rows.map((r) => JSON.parse(r.state) as PersistedAlarm);
  }

  save(alarm: PersistedAlarm, audit?: AlarmTransition): void {
    this.#saveTx(alarm, audit);
    if (audit && ++this.#appended % 1000 === 0) this.#trim.run(this.#maxRows);
  }

  recordPublished(event: AlarmEvent): void {
    this.#published.run(JSON.stringify(event), event.eventId);
  }

  unpublished(): AlarmTransition[] {
    const rows = this.#db.prepare('SELECT record FROM alarm_history WHERE pending = 1 ORDER BY id').all() as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as AlarmTransition);
  }

  history(query: HistoryQuery = {}): AlarmTransition[] {
    const limit = query.limit ?? 100;
    const rows = (
      query.alarmId
        ? this.#db.prepare('SELECT record FROM alarm_history WHERE alarm_id = ? ORDER BY id DESC LIMIT ?').all(query.alarmId, limit)
        : this.#db.prepare('SELECT record FROM alarm_history ORDER BY id DESC LIMIT ?').all(limit)
    ) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as AlarmTransition);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Creates or upgrades the tables (journals from before event ids gain the two columns) and returns the journal id. */
function createSchema(db: Database.Database): string {
  db.exec(`
    CREATE TABLE IF NOT EXISTS alarm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS alarm_state (alarm_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS alarm_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT, alarm_id TEXT NOT NULL, event TEXT NOT NULL, detected_at TEXT NOT NULL, record TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS alarm_history_by_alarm ON alarm_history (alarm_id, id);`);
  const columns = (db.prepare('PRAGMA table_info(alarm_history)').all() as { name: string }[]).map((c) => c.name);
  if (!columns.includes('event_id')) {
    db.exec(`
      ALTER TABLE alarm_history ADD COLUMN event_id TEXT;
      ALTER TABLE alarm_history ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;`);
  }
  db.exec('CREATE INDEX IF NOT EXISTS alarm_history_pending ON alarm_history (event_id) WHERE pending = 1');
  db.prepare("INSERT OR IGNORE INTO alarm_meta (key, value) VALUES ('journal', ?)").run(newJournalId());
  return (db.prepare("SELECT value FROM alarm_meta WHERE key = 'journal'").get() as { value: string }).value;
}

/** Opens `${stateDir}/alarms.db`, creating the folder; an unusable folder is LL_ERR_ALARM_STORE, not a stack trace. */
export function openAlarmStore(stateDir: string, maxRows?: number, clock?: Pick<Clock, 'now'>): SqliteAlarmStateStore {
  const file = join(stateDir, 'alarms.db');
  try {
    mkdirSync(stateDir, { recursive: true });
    return new SqliteAlarmStateStore(file, maxRows, clock);
  } catch (e) {
    throw gatewayError('LL_ERR_ALARM_STORE', file, e instanceof Error ? e.message : String(e));
  }
}
