import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AlarmEvent } from '@lifeline/twin';
import Database from 'better-sqlite3';

export interface JournalRow {
  readonly eventId: string;
  readonly pending: boolean;
  /** The published event, or (while pending) the engine's transition without seq, bootId, …. */
  readonly record: AlarmEvent;
}

/**
 * The durable alarm journal a gateway left in `${stateDir}/alarms.db`, oldest
 * first: what it decided, read behind its back (WAL lets a reader in while it
 * runs). Rows from before event ids are left out.
 */
export function readJournal(stateDir: string): JournalRow[] {
  const file = join(stateDir, 'alarms.db');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT event_id, pending, record FROM alarm_history WHERE event_id IS NOT NULL ORDER BY id').all() as {
      event_id: string;
      pending: number;
      record: string;
    }[];
    return rows.map((r) => ({ eventId: r.event_id, pending: r.pending === 1, record: JSON.parse(r.record) as AlarmEvent }));
  } finally {
    db.close();
  }
}
