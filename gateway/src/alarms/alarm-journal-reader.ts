import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openSqlite, SQLITE_CACHE_KIB } from '../store/sqlite-database.js';
import type { AlarmTransition } from './alarm-transition.js';

/** A filter over the alarm journal (`GET /api/alarms/journal`); every field narrows, none is required. */
export interface JournalQuery {
  readonly device?: string;
  readonly point?: string;
  readonly priority?: readonly number[];
  /** The ISA-18.2 state after the event. */
  readonly state?: string;
  /** The lifecycle event kind (raise, ack, …). */
  readonly event?: string;
  /** ISO times, inclusive, on `detectedAt`. */
  readonly from?: string;
  readonly to?: string;
  /** Free text: matched, case-insensitively, anywhere in the record (ids, user, comment, reason). */
  readonly q?: string;
  readonly limit: number;
  /** The `nextCursor` of the previous page: entries older than it. */
  readonly cursor?: number;
}

/** A journal record with its row id, the cursor of the entries after it. */
export type JournalEntry = AlarmTransition & { readonly id: number };

export interface JournalPage {
  /** Newest first. */
  readonly entries: JournalEntry[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  readonly nextCursor?: number;
}

/** What operators ask of an active alarm: when it was raised and with what value, who acked or shelved it. */
export interface AlarmFacts {
  readonly raisedAt?: string;
  readonly raiseValue?: number;
  readonly ack?: OperatorAct;
  readonly shelve?: OperatorAct;
}

export interface OperatorAct {
  readonly at: string;
  readonly user?: string;
  readonly comment?: string;
}

/** The read side of the journal the HTTP API needs beyond `AlarmJournal.history`. */
export interface AlarmJournalQuery {
  page(query: JournalQuery): JournalPage;
  facts(alarmIds: readonly string[]): Record<string, AlarmFacts>;
}

/**
 * Reads the durable alarm journal (`${stateDir}/alarms.db`, written by
 * SqliteAlarmStateStore) on its own read-only connection: WAL lets it read
 * while the engine writes, and the engine's store stays the only writer.
 * Filters are SQL over the stored JSON record, so the writer's schema is all
 * this depends on (table alarm_history: id, alarm_id, event, detected_at, record).
 */
export class SqliteAlarmJournalReader implements AlarmJournalQuery {
  readonly #db: Database.Database;

  /** `file` must exist: open the store (which creates it) first. */
  constructor(file: string) {
    this.#db = openSqlite(file, { cacheKiB: SQLITE_CACHE_KIB.journalReader, readonly: true });
  }

  page(query: JournalQuery): JournalPage {
    const { where, args } = whereOf(query);
    const sql = `SELECT id, record FROM alarm_history ${where} ORDER BY id DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...args, query.limit + 1) as { id: number; record: string }[];
    const entries = rows.slice(0, query.limit).map((r) => ({ ...(JSON.parse(r.record) as AlarmTransition), id: r.id }));
    const last = entries[entries.length - 1];
    return rows.length > query.limit && last ? { entries, nextCursor: last.id } : { entries };
  }

  facts(alarmIds: readonly string[]): Record<string, AlarmFacts> {
    const since = this.#db.prepare(
      `SELECT record FROM alarm_history WHERE alarm_id = @id
       AND id >= COALESCE((SELECT MAX(id) FROM alarm_history WHERE alarm_id = @id AND event = 'raise'), 0) ORDER BY id`,
    );
    const out: Record<string, AlarmFacts> = {};
    for (const alarmId of alarmIds) {
      const records = (since.all({ id: alarmId }) as { record: string }[]).map((r) => JSON.parse(r.record) as AlarmTransition);
      out[alarmId] = factsOf(records);
    }
    return out;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Opens the reader beside the store of `stateDir`. */
export function openAlarmJournalReader(stateDir: string): SqliteAlarmJournalReader {
  return new SqliteAlarmJournalReader(join(stateDir, 'alarms.db'));
}

/** The facts of one alarm from its records since (and including) its last raise, oldest first. */
export function factsOf(records: readonly AlarmTransition[]): AlarmFacts {
  let facts: AlarmFacts = {};
  for (const r of records) {
    if (r.event === 'raise') facts = { raisedAt: r.detectedAt, raiseValue: r.value };
    else if (r.event === 'ack') facts = { ...facts, ack: actOf(r) };
    else if (r.event === 'shelve') facts = { ...facts, shelve: actOf(r) };
  }
  return facts;
}

function actOf(r: AlarmTransition): OperatorAct {
  return {
    at: r.detectedAt,
    ...(r.user === undefined ? {} : { user: r.user }),
    ...(r.comment === undefined ? {} : { comment: r.comment }),
  };
}

/** `LIKE` with the user's `%`, `_` and `\` taken literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereOf(q: JournalQuery): { where: string; args: (string | number)[] } {
  const clauses: string[] = [];
  const args: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    args.push(...values);
  };
  if (q.device !== undefined) add(`alarm_id LIKE ? ESCAPE '\\'`, `${likeEscape(q.device)}/%`);
  if (q.point !== undefined) add(`json_extract(record, '$.point') = ?`, q.point);
  if (q.priority?.length) add(`json_extract(record, '$.priority') IN (${q.priority.map(() => '?').join(', ')})`, ...q.priority);
  if (q.state !== undefined) add(`json_extract(record, '$.state') = ?`, q.state);
  if (q.event !== undefined) add('event = ?', q.event);
  if (q.from !== undefined) add('detected_at >= ?', q.from);
  if (q.to !== undefined) add('detected_at <= ?', q.to);
  if (q.q !== undefined && q.q !== '') add(`record LIKE ? ESCAPE '\\'`, `%${likeEscape(q.q)}%`);
  if (q.cursor !== undefined) add('id < ?', q.cursor);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', args };
}
