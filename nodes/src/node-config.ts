import { nodeError } from './errors.js';
import type { LifelineApi, LifelineError } from './lifeline-api.js';
import { type RedNode, STATUS } from './red-api.js';

/**
 * Reads a node's saved properties into typed values. The editor validates as
 * the user types, but a flow can also arrive by import or the admin API, so
 * the runtime checks again and names the field that is wrong.
 */
export class NodeConfigReader {
  readonly #api: LifelineApi;
  readonly #def: Readonly<Record<string, unknown>>;
  readonly #type: string;

  constructor(api: LifelineApi, type: string, def: object) {
    this.#api = api;
    this.#type = type;
    this.#def = def as Readonly<Record<string, unknown>>;
  }

  /** A number; the editor saves text inputs as strings, so numeric strings are read here (config only, never msg). */
  number(field: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
    const raw = this.#def[field];
    const value = raw === undefined || raw === '' ? fallback : typeof raw === 'number' ? raw : Number(String(raw).trim());
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = range;
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      const kind = integer ? 'an integer' : 'a number';
      throw this.#fail(field, `"${String(raw)}" is not ${kind} in [${min}, ${max}]`);
    }
    return value;
  }

  string(field: string, fallback = ''): string {
    const raw = this.#def[field];
    if (raw === undefined || raw === null || raw === '') return fallback;
    if (typeof raw !== 'string') throw this.#fail(field, `must be text, got ${typeof raw}`);
    return raw.trim();
  }

  oneOf<const T extends string>(field: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(field, fallback);
    if (!(allowed as readonly string[]).includes(value)) throw this.#fail(field, `"${value}" is not one of ${allowed.join(', ')}`);
    return value as T;
  }

  /** A URL whose scheme is one of `schemes` (e.g. mqtt:, mqtts:, ws:, wss:). */
  url(field: string, schemes: readonly string[]): URL {
    const value = this.string(field);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw this.#fail(field, `"${value}" is not a URL (e.g. ${schemes[0]}//127.0.0.1:1883)`);
    }
    if (!schemes.includes(url.protocol)) throw this.#fail(field, `"${value}" must start with ${schemes.join(' or ')}//`);
    return url;
  }

  /** A site or gateway id as a topic level (lower-case, digits, - and _), or `+` for any. */
  topicId(field: string, allowWildcard: boolean): string {
    const value = this.string(field, allowWildcard ? '+' : '');
    if (allowWildcard && value === '+') return value;
    if (!new RegExp(this.#api.twin.TOPIC_ID_PATTERN).test(value)) {
      const any = allowWildcard ? ' or + for any' : '';
      throw this.#fail(field, `"${value}" is not a site/gateway id (lower-case letters, digits, - and _)${any}`);
    }
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const raw = this.#def[field];
    return typeof raw === 'boolean' ? raw : fallback;
  }

  #fail(field: string, why: string): LifelineError {
    return nodeError(this.#api, 'LL_ERR_NODE_CONFIG', `${this.#type} "${field}"`, why);
  }
}

/** Runs a node's setup; a configuration error leaves the node inert with a red status, and each message it gets fails with the reason. */
export function setupOrReport(node: RedNode, setup: () => void): void {
  try {
    setup();
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    node.status(STATUS.error('invalid configuration'));
    node.error(error.message);
    // Every message says why nothing happens, where a Catch node can see it.
    node.on('input', (_msg, _send, done) => done(error));
  }
}
