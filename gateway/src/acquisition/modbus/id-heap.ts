/**
 * A binary min-heap of the ids 0..size-1, each with a key that can be set,
 * changed or removed in O(log n) (an indexed priority queue: each id knows
 * its place in the heap). Equal keys go lowest id first, so the order is
 * deterministic. Typed arrays, no allocation once built.
 */
export class IdHeap {
  readonly #keys: Float64Array;
  /** The heap: ids in heap order, the first #count of them live. */
  readonly #heap: Int32Array;
  /** Each id's index in #heap, -1 while absent. */
  readonly #at: Int32Array;
  #count = 0;

  constructor(size: number) {
    this.#keys = new Float64Array(size);
    this.#heap = new Int32Array(size);
    this.#at = new Int32Array(size).fill(-1);
  }

  get size(): number {
    return this.#count;
  }

  has(id: number): boolean {
    return this.#at[id] !== -1;
  }

  /** The id with the least key, or -1 when empty. */
  peek(): number {
    return this.#count > 0 ? (this.#heap[0] as number) : -1;
  }

  /** The least key, or +Infinity when empty. */
  minKey(): number {
    return this.#count > 0 ? (this.#keys[this.#heap[0] as number] as number) : Number.POSITIVE_INFINITY;
  }

  /** Inserts the id, or moves it to its new key. */
  set(id: number, key: number): void {
    this.#keys[id] = key;
    let i = this.#at[id] as number;
    if (i === -1) {
      i = this.#count++;
      this.#place(id, i);
    }
    this.#down(this.#up(i));
  }

  delete(id: number): void {
    const i = this.#at[id] as number;
    if (i === -1) return;
    this.#at[id] = -1;
    const last = this.#heap[--this.#count] as number;
    if (i === this.#count) return;
    this.#place(last, i);
    this.#down(this.#up(i));
  }

  clear(): void {
    for (let i = 0; i < this.#count; i++) this.#at[this.#heap[i] as number] = -1;
    this.#count = 0;
  }

  #less(a: number, b: number): boolean {
    const ka = this.#keys[a] as number;
    const kb = this.#keys[b] as number;
    return ka < kb || (ka === kb && a < b);
  }

  #place(id: number, i: number): void {
    this.#heap[i] = id;
    this.#at[id] = i;
  }

  /** Sifts the entry at i towards the root; returns where it ended. */
  #up(i: number): number {
    const id = this.#heap[i] as number;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.#heap[parent] as number;
      if (!this.#less(id, p)) break;
      this.#place(p, i);
      i = parent;
    }
    this.#place(id, i);
    return i;
  }

  #down(i: number): void {
    const id = this.#heap[i] as number;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.#count) break;
      const right = left + 1;
      const child = right < this.#count && this.#less(this.#heap[right] as number, this.#heap[left] as number) ? right : left;
      const c = this.#heap[child] as number;
      if (!this.#less(c, id)) break;
      this.#place(c, i);
      i = child;
    }
    this.#place(id, i);
  }
}
