/**
 * CSV as spreadsheets read it (RFC 4180): CRLF rows, a field with a comma,
 * quote or line break quoted with its quotes doubled. A text cell starting
 * with = + - @ (or tab / CR) is prefixed with ' so Excel and WPS never run it
 * as a formula (OWASP "CSV injection"); numbers are written as they are.
 * The UTF-8 byte-order mark makes Excel read Chinese text as UTF-8.
 */
export const CSV_BOM = '\uFEFF';

export type CsvCell = string | number | boolean | null | undefined;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header row and one row per record, each column read by its accessor. */
export function toCsv<T>(columns: readonly (readonly [string, (row: T) => CsvCell])[], rows: readonly T[]): string {
  const lines = [columns.map(([name]) => csvCell(name)).join(',')];
  for (const row of rows) lines.push(columns.map(([, get]) => csvCell(get(row))).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

/** Whether the client asked for CSV: `format=csv`, or an Accept header that prefers text/csv. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  return (accept ?? '').split(',')[0]?.trim().startsWith('text/csv') ?? false;
}
