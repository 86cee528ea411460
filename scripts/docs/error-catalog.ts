// docs/errors.md's tables, rendered from each package's error catalog as it
// is: the catalogs differ in shape (the centre's has an HTTP status and no
// hint), and each table shows the columns its catalog has.

import { CORE_ERRORS } from '@lifeline/core';
import { SIM_ERRORS } from '@lifeline/firmware-sim';
import { GATEWAY_ERRORS } from '@lifeline/gateway';
import { CENTRE_ERRORS } from '@lifeline/twin/centre';
import { code, table } from './markdown.js';

type Entry = { readonly message: string; readonly hint?: string; readonly transient?: boolean; readonly status?: number };

export interface Catalog {
  readonly name: string;
  readonly source: string;
  readonly entries: Readonly<Record<string, Entry>>;
}

export const CATALOGS: readonly Catalog[] = [
  { name: 'core', source: 'core/src/errors/core-errors.ts', entries: CORE_ERRORS },
  { name: 'gateway', source: 'gateway/src/errors.ts', entries: GATEWAY_ERRORS },
  { name: 'simulator', source: 'firmware-sim/src/errors.ts', entries: SIM_ERRORS },
  { name: 'centre', source: 'twin/src/centre/centre-errors.ts', entries: CENTRE_ERRORS },
];

const COLUMNS = [
  { key: 'message', title: 'message', render: (e: Entry) => code(e.message) },
  { key: 'hint', title: 'hint', render: (e: Entry) => e.hint ?? '' },
  { key: 'transient', title: 'transient', render: (e: Entry) => (e.transient ? 'yes' : 'no') },
  // 0 in the centre's catalog: a CLI error, never an HTTP answer.
  { key: 'status', title: 'HTTP status', render: (e: Entry) => (e.status ? String(e.status) : '—') },
] as const;

export function renderCatalog(catalog: Catalog): string {
  const entries = Object.entries(catalog.entries);
  const columns = COLUMNS.filter((c) => entries.some(([, e]) => c.key in e));
  return table(
    ['code', ...columns.map((c) => c.title)],
    entries.map(([id, e]) => [code(id), ...columns.map((c) => c.render(e))]),
  );
}

export function renderErrorCatalogs(): string {
  return CATALOGS.map((c) => `### ${c.name} (\`${c.source}\`)\n\n${renderCatalog(c)}`).join('\n\n');
}
