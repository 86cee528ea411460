import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Reason } from './twin-messages.js';

// One compiled validator per schema (ajv, as the gateway's config loader uses): schemas
// with enum-typed members (Type.Unsafe) are plain JSON Schema that only a JSON Schema validator checks.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const compiled = new WeakMap<TSchema, ValidateFunction>();

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
  let validate = compiled.get(schema);
  if (!validate) {
    const { $id: _id, ...anonymous } = schema as TSchema & { $id?: string };
    validate = ajv.compile(anonymous);
    compiled.set(schema, validate);
  }
  if (validate(data)) return { ok: true, value: data as Static<T> };
  const reasons = (validate.errors ?? []).slice(0, 50).map(
    (e): Reason => ({
      code,
      path: e.keyword === 'additionalProperties' ? `${e.instancePath}/${String(e.params.additionalProperty)}` : e.instancePath,
      message: e.keyword === 'additionalProperties' ? 'unknown member' : (e.message ?? e.keyword),
    }),
  );
  return { ok: false, reasons };
}
