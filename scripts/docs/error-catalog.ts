// docs/errors.md's tables, rendered from each package's error catalog; every
// catalog has the one error shape (code, message, hint, transient, HTTP status).

import { CORE_ERRORS, type ErrorSpec } from '@lifeline/core';
import { SIM_ERRORS } from '@lifeline/firmware-sim';
import { GATEWAY_ERRORS } from '@lifeline/gateway';
import { CENTRE_ERRORS } from '@lifeline/twin/centre';
import { code, table } from './markdown.js';

type Entry = ErrorSpec;

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
  { key: 'hint', title: 'hint', render: (e: Entry) => e.hint },
  { key: 'transient', title: 'transient', render: (e: Entry) => (e.transient ? 'yes' : 'no') },
  // Absent for errors no HTTP API answers with (device links, CLI, config files).
  { key: 'httpStatus', title: 'HTTP status', render: (e: Entry) => (e.httpStatus ? String(e.httpStatus) : '—') },
] as const;

export function renderCatalog(catalog: Catalog): string {
  const entries = Object.entries(catalog.entries);
  return table(
    ['code', ...COLUMNS.map((c) => c.title)],
    entries.map(([id, e]) => [code(id), ...COLUMNS.map((c) => c.render(e))]),
  );
}

export function renderErrorCatalogs(): string {
  return CATALOGS.map((c) => `### ${c.name} (\`${c.source}\`)\n\n${renderCatalog(c)}`).join('\n\n');
}
