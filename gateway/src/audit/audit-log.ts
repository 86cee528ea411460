import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { gatewayError } from '../errors.js';
import { openSqlite, SQLITE_CACHE_KIB } from '../store/sqlite-database.js';

/** Where a change was asked: the centre link, the embedded broker, the HTTP API, or the gateway itself (auto-shelve). */
export const AUDIT_ORIGINS = ['centre', 'local', 'http', 'gateway'] as const;
export type AuditOrigin = (typeof AUDIT_ORIGINS)[number];

/** One attempt to change an alarm, a limit or the twin, accepted or refused (docs/security.md). */
export interface AuditEntry {
  /** ISO time the gateway decided. */
  readonly ts: string;
  readonly origin: AuditOrigin;
  /** Who: the centre operator (by.user), the local broker login or `anonymous`, the HTTP token's user. */
  readonly principal: string;
  /** ack, shelve, unshelve, limits, desired, resync, publish (a refused broker publish). */
  readonly action: string;
  /** The alarm id, or the topic of a refused publish. */
  readonly target?: string;
  readonly outcome: 'accepted' | 'refused';
  /** Why refused: LL_ERR_… or the broker's rule (anonymous-command, forged-user, gateway-topic, acl). */
  readonly code?: string;
  readonly clientToken?: string;
}

export interface AuditSink {
  record(entry: AuditEntry): void;
}

/**
 * The audit trail in SQLite (`${stateDir}/audit.db`, WAL): every entry is
 * one small committed insert, kept up to `maxRows` (oldest trimmed first), so
 * a flood of refused attempts costs bounded disk.
 */
export class AuditLog implements AuditSink {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, string]>;
  readonly #trim: Database.Statement<[number]>;
  readonly #maxRows: number;
  #inserted = 0;

  constructor(file: string, maxRows = 100_000) {
    this.#maxRows = maxRows;
    this.#db = openSqlite(file, { cacheKiB: SQLITE_CACHE_KIB.audit });
    this.#db.exec('CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, record TEXT NOT NULL)');
    this.#insert = this.#db.prepare('INSERT INTO audit (ts, record) VALUES (?, ?)');
    this.#trim = this.#db.prepare('DELETE FROM audit WHERE id <= (SELECT MAX(id) FROM audit) - ?');
  }

  record(entry: AuditEntry): void {
    if (!this.#db.open) return;
    this.#insert.run(entry.ts, JSON.stringify(entry));
    if (++this.#inserted % 1000 === 0) this.#trim.run(this.#maxRows);
  }

  /** Newest first. */
  list(limit = 100): AuditEntry[] {
    const rows = this.#db.prepare('SELECT record FROM audit ORDER BY id DESC LIMIT ?').all(limit) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as AuditEntry);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Opens `${stateDir}/audit.db`; an unusable folder is LL_ERR_ALARM_STORE (the same folder as alarms.db). */
export function openAuditLog(stateDir: string, maxRows?: number): AuditLog {
  const file = join(stateDir, 'audit.db');
  try {
    mkdirSync(stateDir, { recursive: true });
    return new AuditLog(file, maxRows);
  } catch (e) {
    throw gatewayError('LL_ERR_ALARM_STORE', file, e instanceof Error ? e.message : String(e));
  }
}
