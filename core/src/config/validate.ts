import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigIssue, PathSegment } from './config-issue.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Schema validation that turns ajv's errors into located issues with a fix,
 * one per problem (ajv's union noise is collapsed to its most useful line).
 */
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const compiled = new WeakMap<TSchema, ValidateFunction>();

export function validateAgainst(schema: TSchema, source: YamlSource): ConfigIssue[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(source.data)) return [];
  return collapse(validate.errors ?? []).map((err) => toIssue(err, source));
}

/** A failed union reports one error per branch; keep the one a human can act on. */
function collapse(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const err of errors) {
    const key = err.instancePath + (err.keyword === 'additionalProperties' ? `/${String(err.params.additionalProperty)}` : '');
    byPath.set(key, [...(byPath.get(key) ?? []), err]);
  }
  return [...byPath.values()].map((group) => {
    const constFailures = group.filter((e) => e.keyword === 'const');
    if (constFailures.length > 1) {
      const allowed = constFailures.map((e) => e.params.allowedValue);
      const first = constFailures[0] as ErrorObject;
      return { ...first, keyword: 'enum', params: { allowedValues: allowed } };
    }
    return group.find((e) => e.keyword !== 'anyOf') ?? (group[0] as ErrorObject);
  });
}

function toIssue(err: ErrorObject, source: YamlSource): ConfigIssue {
  const path = pointerToPath(err.instancePath);
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties':
      return source.issueAt(
        path,
        `unknown key "${String(p.additionalProperty)}"`,
        `remove it or check its spelling; allowed here: ${allowedKeys(err).join(', ') || '(none)'}`,
        String(p.additionalProperty),
      );
    case 'required':
      return source.issueAt(path, `missing required key "${String(p.missingProperty)}"`, `add "${String(p.missingProperty)}:"`);
    case 'type':
      return source.issueAt(path, `must be ${article(String(p.type))}`, `write ${article(String(p.type))} here`);
    case 'enum':
      return source.issueAt(
        path,
        `${JSON.stringify(valueAt(source.data, path))} is not one of the allowed values`,
        `use one of ${enumList(p.allowedValues)}`,
      );
    case 'pattern':
      return source.issueAt(path, `${quoted(source, path)} has the wrong form`, describePattern(err));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return source.issueAt(
        path,
        `must be ${String(p.comparison)} ${String(p.limit)}`,
        `use a value ${String(p.comparison)} ${String(p.limit)}`,
      );
    case 'minItems':
    case 'minProperties':
      return source.issueAt(path, `needs at least ${String(p.limit)} entr${p.limit === 1 ? 'y' : 'ies'}`, 'add the missing entries');
    default:
      return source.issueAt(path, err.message ?? `fails ${err.keyword}`, 'see docs/configuration.md for this key');
  }
}

function enumList(allowed: unknown): string {
  return Array.isArray(allowed) ? allowed.map((v) => JSON.stringify(v)).join(', ') : String(allowed);
}

function allowedKeys(err: ErrorObject): string[] {
  const props = (err.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function describePattern(err: ErrorObject): string {
  const description = (err.parentSchema as { description?: string } | undefined)?.description;
  return description ? `use ${description}` : `match ${String(err.params.pattern)}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The offending value for the message, unless it came from a secret. */
function quoted(source: YamlSource, path: readonly PathSegment[]): string {
  return source.secretPaths.has(JSON.stringify(path)) ? 'the value (from a secret reference)' : JSON.stringify(valueAt(source.data, path));
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((v, seg) => (v as Record<string | number, unknown> | undefined)?.[seg], data);
}
