import type { JournalQuery, JournalRow } from './centre-store.js';

/** The journal search of the console (memory store; the PostgreSQL store says the same in SQL). */
export function journalMatches(row: JournalRow, q: JournalQuery): boolean {
  const e = row.event;
  if (q.site !== undefined && row.site !== q.site) return false;
  if (q.gateway !== undefined && row.gateway !== q.gateway) return false;
  if (q.event !== undefined && e.event !== q.event) return false;
  if (q.priority !== undefined && e.priority !== q.priority) return false;
  if (q.text !== undefined && q.text !== '') {
    const needle = q.text.toLowerCase();
    if (![e.alarmId, e.device, e.point, e.condition].some((s) => s.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** The journal as CSV (RFC 4180: quote every field, double the quotes inside). */
export const JOURNAL_CSV_COLUMNS = [
  'receivedAt',
  'site',
  'gateway',
  'bootId',
  'seq',
  'event',
  'alarmId',
  'priority',
  'state',
  'value',
  'limit',
  'unit',
  'detectedAt',
  'user',
  'comment',
] as const;

export function journalCsv(rows: readonly JournalRow[]): string {
  const field = (v: unknown) => `"${String(v ?? '').replaceAll('"', '""')}"`;
  const lines = rows.map((r) => {
    const e = r.event;
    const values = [
      r.receivedAt,
      r.site,
      r.gateway,
      r.bootId,
      r.seq,
      e.event,
      e.alarmId,
      e.priority,
      e.state,
      e.value,
      e.limit,
      e.unit,
      e.detectedAt,
      e.user,
      e.comment,
    ];
    return values.map(field).join(',');
  });
  return `${[JOURNAL_CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}
