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
  const patch: JsonObject = {};
  let changed = false;
  for (const key of Object.keys(from)) {
    if (!(key in to)) {
      patch[key] = null;
      changed = true;
    }
  }
  for (const [key, value] of Object.entries(to)) {
    const sub = createMergePatch(from[key], value);
    if (sub !== undefined) {
      patch[key] = sub;
      changed = true;
    }
  }
  return changed ? patch : undefined;
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => k in bo && jsonEqual(ao[k], bo[k]));
}
