import { createMergePatch, isJsonObject, type Json, type JsonObject } from './merge-patch.js';
import type { TwinPatch, TwinReported, TwinSnapshot } from './twin-document.js';

export interface TwinIdentity {
  readonly site: string;
  readonly gateway: string;
  readonly bootId: string;
}

/**
 * The gateway's reported twin with versions. Changes are written by path and
 * remembered as dirty paths; `takePatch()` diffs only those subtrees against
 * what was last published (O(changes), not O(twin)) and returns one RFC 7386
 * merge patch from `version` to `version + 1`. `snapshot()` folds pending
 * changes into a new version and returns the full document.
 */
export class ReportedTwin {
  readonly identity: TwinIdentity;
  readonly #current: JsonObject;
  #published: JsonObject;
  readonly #dirty = new Map<string, readonly string[]>();
  #version = 1;

  constructor(identity: TwinIdentity, initial: TwinReported) {
    this.identity = identity;
    this.#current = structuredClone(initial) as unknown as JsonObject;
    this.#published = structuredClone(this.#current);
  }

  get version(): number {
    return this.#version;
  }

  get dirty(): boolean {
    return this.#dirty.size > 0;
  }

  /** The current document: read it, never modify it (use `set`). */
  get reported(): TwinReported {
    return this.#current as unknown as TwinReported;
  }

  get(path: readonly string[]): Json | undefined {
    return valueAt(this.#current, path);
  }

  /** Sets (or with `undefined` removes) the member at `path`; parents are created. No-op when equal. */
  set(path: readonly string[], value: Json | undefined): void {
    if (path.length === 0) throw new TypeError('set: empty path');
    const parent = ensureParent(this.#current, path);
    const key = path[path.length - 1] as string;
    if (value === undefined) {
      if (!(key in parent)) return;
      delete parent[key];
    } else {
      if (createMergePatch(parent[key], value) === undefined) return;
      parent[key] = value;
    }
    this.#dirty.set(path.join('\u0000'), path);
  }

  /** The patch since the last patch or snapshot, or undefined when nothing changed. */
  takePatch(now: number): TwinPatch | undefined {
    const patch: JsonObject = {};
    let changed = false;
    for (const path of coveringPaths([...this.#dirty.values()])) {
      const current = valueAt(this.#current, path);
      const diff = createMergePatch(valueAt(this.#published, path), current);
      if (diff === undefined) continue;
      setAt(patch, path, diff);
      const parent = ensureParent(this.#published, path);
      const key = path[path.length - 1] as string;
      if (current === undefined) delete parent[key];
      else parent[key] = cloneJson(current);
      changed = true;
    }
    this.#dirty.clear();
    if (!changed) return undefined;
    this.#version += 1;
    return { ...this.identity, base: this.#version - 1, version: this.#version, ts: new Date(now).toISOString(), patch };
  }

  /** The full twin; pending changes become a new version first. */
  snapshot(now: number): TwinSnapshot {
    if (this.#dirty.size > 0) {
      this.#dirty.clear();
      this.#published = structuredClone(this.#current);
      this.#version += 1;
    }
    return { ...this.identity, version: this.#version, ts: new Date(now).toISOString(), reported: this.reported };
  }
}

/** A tree of the paths kept so far: `true` ends a kept path, a map leads to longer ones. */
type Kept = Map<string, Kept | true>;

/**
 * Drops every path that has an ancestor in the list: the ancestor's diff covers it.
 * Shortest first, each path walked down a tree of those kept: no prefix strings per path.
 */
function coveringPaths(paths: readonly (readonly string[])[]): (readonly string[])[] {
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  const root: Kept = new Map();
  const result: (readonly string[])[] = [];
  for (const path of sorted) if (keep(root, path)) result.push(path);
  return result;
}

/** Adds `path` to the tree unless a kept path is a prefix of it. */
function keep(root: Kept, path: readonly string[]): boolean {
  let level = root;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const key = path[i] as string;
    const next = level.get(key);
    if (next === true) return false;
    if (next) level = next;
    else {
      const created: Kept = new Map();
      level.set(key, created);
      level = created;
    }
  }
  level.set(path[last] as string, true);
  return true;
}

export function valueAt(root: JsonObject, path: readonly string[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path) {
    if (!isJsonObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function ensureParent(root: JsonObject, path: readonly string[]): JsonObject {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = node[key];
    if (isJsonObject(next)) node = next;
    else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  }
  return node;
}

/** A deep copy of JSON data (faster than structuredClone for the small subtrees patches touch). */
function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: JsonObject = {};
  for (const k in value) copy[k] = cloneJson(value[k] as Json);
  return copy;
}

function setAt(root: JsonObject, path: readonly string[], value: Json): void {
  ensureParent(root, path)[path[path.length - 1] as string] = value;
}
