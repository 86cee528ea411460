// docs/configuration.md's key and environment tables, generated from the
// TypeBox site schema (descriptions, ranges, allowed values, defaults) and the
// declared environment lists, so the reference cannot drift from the loader.
import { GATEWAY_ENVIRONMENT, SiteSchema } from '@lifeline/core';
import { CENTRE_ENVIRONMENT } from '@lifeline/twin/centre';
import { code, table } from './markdown.js';

interface Node {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Record<string, Node>;
  readonly patternProperties?: Record<string, Node>;
  readonly required?: readonly string[];
  readonly items?: Node;
  readonly anyOf?: readonly Node[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly pattern?: string;
}

export interface KeyRow {
  readonly path: string;
  readonly type: string;
  readonly default: string;
  readonly range: string;
  readonly description: string;
}

/** Every key of the site config, depth first in schema order. */
export function configKeys(schema: Node = SiteSchema as unknown as Node): KeyRow[] {
  return children(schema, '');
}

function children(node: Node, prefix: string): KeyRow[] {
  const props = node.properties ?? {};
  const keys = Object.keys(props);
  if (isSameShapeMap(props)) {
    // limits.{hihi,hi,…}: one shape under many names; one row per field, not nine.
    return walk(props[keys[0] as string] as Node, `${prefix}<${keys.join('|')}>`, false);
  }
  const rows = keys.flatMap((k) => walk(props[k] as Node, prefix + k, node.required?.includes(k) ?? false));
  for (const [, value] of Object.entries(node.patternProperties ?? {})) {
    rows.push(...walk(value, `${prefix}<${singular(prefix)}>`, false));
  }
  return rows;
}

function walk(node: Node, path: string, required: boolean): KeyRow[] {
  const isObject = node.properties !== undefined || node.patternProperties !== undefined;
  const isObjectList = node.type === 'array' && node.items?.properties !== undefined;
  const self = isObject && !node.description ? [] : [row(node, isObjectList ? `${path}[]` : path, required)];
  if (isObject) return [...self, ...children(node, `${path}.`)];
  if (isObjectList) return [...self, ...children(node.items as Node, `${path}[].`)];
  return self;
}

function row(node: Node, path: string, required: boolean): KeyRow {
  return {
    path,
    type: typeOf(node),
    default: node.default !== undefined ? code(defaultText(node.default)) : required ? 'required' : '—',
    range: rangeOf(node),
    // An id's title says what it names, its description the form.
    description: [node.title, node.description].filter(Boolean).join('; '),
  };
}

/** Strings as written in YAML (unquoted); lists and objects as JSON. */
function defaultText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function typeOf(node: Node): string {
  if (node.anyOf) return [...new Set(node.anyOf.map(typeOf))].join(' or ');
  if (node.const !== undefined) return typeof node.const === 'number' ? 'integer' : typeof node.const;
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'any'}`;
  if (node.patternProperties) return 'map';
  return Array.isArray(node.type) ? node.type.join(' or ') : String(node.type ?? 'any');
}

function rangeOf(node: Node): string {
  const values = node.enum ?? node.anyOf?.map((n) => n.const).filter((c) => c !== undefined);
  if (values && values.length > 0) return values.map((v) => code(String(v))).join(', ');
  const parts: string[] = [];
  if (node.minimum !== undefined || node.maximum !== undefined) parts.push(`${node.minimum ?? '…'}–${node.maximum ?? '…'}`);
  if (node.minLength !== undefined && node.minLength > 1) parts.push(`≥ ${node.minLength} chars`);
  if (node.minItems !== undefined) parts.push(`≥ ${node.minItems} items`);
  if (node.pattern !== undefined) parts.push(code(node.pattern));
  return parts.join('; ');
}

function isSameShapeMap(props: Record<string, Node>): boolean {
  const shapes = Object.values(props).map((p) => JSON.stringify(p));
  return shapes.length > 3 && shapes.every((s) => s === shapes[0]);
}

/** `devices[].points.` → `point`: the name a map's key stands for. */
function singular(prefix: string): string {
  const last = prefix.replace(/\.$/, '').split('.').pop() ?? 'key';
  return last.replace(/\[\]$/, '').replace(/s$/, '') || 'key';
}

export function renderConfigKeys(): string {
  return table(
    ['key', 'type', 'default', 'range / allowed', 'meaning'],
    configKeys().map((r) => [code(r.path), r.type, r.default, r.range, r.description]),
  );
}

export function renderEnvironment(): string {
  const rows = [
    ...GATEWAY_ENVIRONMENT.map((v) => [code(v.name), v.readBy.join(', '), v.overrides ? code(v.overrides) : '—', v.meaning]),
    ...CENTRE_ENVIRONMENT.map((v) => [code(v.name), 'centre', '—', v.meaning]),
  ];
  return table(['variable', 'read by', 'overrides', 'meaning'], rows);
}
