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
    return this.takePatches(now, Number.POSITIVE_INFINITY)[0];
  }

  /**
   * The changes since the last patch or snapshot as consecutive patches
   * (`base` → `base + 1` → …), each of about `maxBytes` of JSON or less, so a
   * burst of changes (every analog value of a large site moving in one
   * coalescing window) goes out as its size in patches rather than as the
   * full twin. One member whose change alone is over `maxBytes` is a patch of
   * its own, over it: the caller tells by its size. Empty when nothing changed.
   */
  takePatches(now: number, maxBytes: number): TwinPatch[] {
    const patches: TwinPatch[] = [];
    const ts = new Date(now).toISOString();
    const budget = maxBytes - PATCH_ENVELOPE_BYTES;
    let patch: JsonObject = {};
    let members = 0;
    let bytes = 0;
    const parents = new Parents(this.#current, this.#published, patch);
    const close = () => {
      this.#version += 1;
      patches.push({ ...this.identity, base: this.#version - 1, version: this.#version, ts, patch });
    };
    for (const path of coveringPaths([...this.#dirty.values()])) {
      const moved = parents.moveTo(path);
      const key = path[path.length - 1] as string;
      const current = parents.current(key);
      const diff = createMergePatch(parents.published(key), current);
      if (diff === undefined) continue;
      if (budget !== Number.POSITIVE_INFINITY) {
        let size = memberBytes(key, diff);
        if (members > 0 && bytes + size > budget) {
          close();
          patch = {};
          parents.restartPatch(patch);
          members = 0;
          bytes = 0;
        }
        if (moved || members === 0) size += parentBytes(path);
        bytes += size;
      }
      parents.patchParent()[key] = diff;
      members += 1;
      const published = parents.publishedParent();
      if (current === undefined) delete published[key];
      else published[key] = cloneJson(current);
    }
    this.#dirty.clear();
    if (members > 0) close();
    return patches;
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

/**
 * The parents of a dirty path in the current document, the published one and
 * the patch, kept while the next path has the same parent (most do: the points
 * of one device follow each other), so a patch walks each parent once, not
 * three documents from the root per path. The published and patch parents are
 * created only when a member under them differs.
 */
class Parents {
  #roots: { readonly current: JsonObject; readonly published: JsonObject; readonly patch: JsonObject };
  #path: readonly string[] = [];
  #current: Json | undefined;
  #published: Json | undefined;
  #patch: JsonObject | undefined;

  constructor(current: JsonObject, published: JsonObject, patch: JsonObject) {
    this.#roots = { current, published, patch };
  }

  /** True when `path`'s parent is another than the last path's. */
  moveTo(path: readonly string[]): boolean {
    if (sameParent(this.#path, path)) return false;
    this.#path = path;
    this.#current = valueAt(this.#roots.current, path, path.length - 1);
    this.#published = valueAt(this.#roots.published, path, path.length - 1);
    this.#patch = undefined;
    return true;
  }

  current(key: string): Json | undefined {
    return isJsonObject(this.#current) ? this.#current[key] : undefined;
  }

  published(key: string): Json | undefined {
    return isJsonObject(this.#published) ? this.#published[key] : undefined;
  }

  publishedParent(): JsonObject {
    if (!isJsonObject(this.#published)) this.#published = ensureParent(this.#roots.published, this.#path);
    return this.#published;
  }

  patchParent(): JsonObject {
    this.#patch ??= ensureParent(this.#roots.patch, this.#path);
    return this.#patch;
  }

  /** Members from here on go into a new patch. */
  restartPatch(patch: JsonObject): void {
    this.#roots = { ...this.#roots, patch };
    this.#patch = undefined;
  }
}

/** What a patch's envelope (identity, base, version, ts) and the `patch` member's braces take, with room to spare. */
const PATCH_ENVELOPE_BYTES = 512;

/**
 * About what a member adds to a patch's JSON: its key, quotes, colon and
 * comma, and its diff. UTF-16 length: a name in Chinese takes up to three
 * bytes a character, and the caller checks the real size.
 */
function memberBytes(key: string, diff: Json): number {
  return key.length + 4 + JSON.stringify(diff).length;
}

/** About what the parents of a member add when it is the first under them: their keys and braces, as if none were shared. */
function parentBytes(path: readonly string[]): number {
  let size = 0;
  for (let i = 0; i < path.length - 1; i++) size += (path[i] as string).length + 6;
  return size;
}

function sameParent(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  for (let i = 0; i < a.length - 1; i++) if (a[i] !== b[i]) return false;
  return true;
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

/** The value at `path` (its first `end` keys). */
export function valueAt(root: JsonObject, path: readonly string[], end = path.length): Json | undefined {
  let node: Json | undefined = root;
  for (let i = 0; i < end; i++) {
    if (!isJsonObject(node)) return undefined;
    node = node[path[i] as string];
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
