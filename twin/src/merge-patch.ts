/**
 * JSON Merge Patch, RFC 7386: `applyMergePatch` is the MergePatch() function
 * of §2; `createMergePatch` produces the smallest patch that turns `from` into
 * `to`. A merge patch cannot set a member to `null` (null means remove, §1),
 * so twin documents never carry null values: absent means unknown.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 §2: returns a new value; neither argument is modified. */
export function applyMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * The patch P with applyMergePatch(from, P) deep-equal to `to`, or undefined
 * when they are equal. Arrays and scalars are replaced whole (§2).
 */
export function createMergePatch(from: Json | undefined, to: Json | undefined): Json | undefined {
  if (to === undefined) return from === undefined ? undefined : null;
  if (!isJsonObject(to) || !isJsonObject(from)) return jsonEqual(from, to) ? undefined : to;
  // for…in and a patch made only once something differs: this runs for every twin change, and most
  // compared subtrees are equal, so no per-key arrays (Object.entries) nor empty patches.
  let patch: JsonObject | undefined;
  for (const key in from) {
    if (key in to) continue;
    patch ??= {};
    patch[key] = null;
  }
  for (const key in to) {
    const sub = createMergePatch(from[key], to[key]);
    if (sub === undefined) continue;
    patch ??= {};
    patch[key] = sub;
  }
  return patch;
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  let count = 0;
  for (const k in ao) {
    if (!(k in bo) || !jsonEqual(ao[k], bo[k])) return false;
    count++;
  }
  for (const _ in bo) count--;
  return count === 0;
}
