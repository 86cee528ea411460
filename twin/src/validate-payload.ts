import type { Static, TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Reason } from './twin-messages.js';

// TypeBox checks formats only once registered: RFC 3339 date-time, as ajv-formats does.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reasons: readonly Reason[] };

/**
 * Bytes from MQTT → a typed payload, or every reason it is not one (JSON
 * syntax, then each schema violation with its JSON pointer). `code` names the
 * catalog entry the caller reports these under.
 */
export function parsePayload<T extends TSchema>(schema: T, payload: Buffer | string, code: string): Parsed<Static<T>> {
  let data: unknown;
  try {
    data = JSON.parse(payload.toString());
  } catch (e) {
    return { ok: false, reasons: [{ code, path: '', message: `not JSON: ${(e as Error).message}` }] };
  }
  return checkValue(schema, data, code);
}

export function checkValue<T extends TSchema>(schema: T, data: unknown, code: string): Parsed<Static<T>> {
  if (Value.Check(schema, data)) return { ok: true, value: data };
  const reasons: Reason[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, data)) {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push({ code, path: error.path, message: error.message });
    if (reasons.length >= 50) break;
  }
  return { ok: false, reasons };
}
