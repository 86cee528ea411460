/**
 * The last `capacity` alarm event ids of one gateway, for de-duplication
 * (docs/topics.md#alarms): `add` says whether the id is new. Oldest ids are
 * forgotten first; a Map keeps insertion order, so that is O(1).
 */
export class SeenEvents {
  readonly #ids = new Map<string, true>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(eventId: string): boolean {
    if (this.#ids.has(eventId)) return false;
    this.#ids.set(eventId, true);
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.keys().next().value as string);
    return true;
  }
}
