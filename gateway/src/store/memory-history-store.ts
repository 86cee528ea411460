import { combine, type HistoryBucket, type HistoryStore } from './history-store.js';

/** The local history in memory: same contract as SQLite, gone on restart. */
export class MemoryHistoryStore implements HistoryStore {
  readonly #tiers = new Map<string, Map<string, HistoryBucket>>();

  merge(tier: string, buckets: readonly HistoryBucket[]): void {
    const map = this.#tier(tier);
    for (const b of buckets) {
      const key = `${b.device}\u0000${b.point}\u0000${b.ts}`;
      const old = map.get(key);
      map.set(key, old ? combine(old, b) : b);
    }
  }

  query(tier: string, device: string, point: string, fromMs: number, toMs: number): HistoryBucket[] {
    return [...this.#tier(tier).values()]
      .filter((b) => b.device === device && b.point === point && b.ts >= fromMs && b.ts < toMs)
      .sort((a, b) => a.ts - b.ts);
  }

  prune(tier: string, beforeMs: number): number {
    const map = this.#tier(tier);
    let n = 0;
    for (const [key, b] of map) {
      if (b.ts < beforeMs) {
        map.delete(key);
        n += 1;
      }
    }
    return n;
  }

  close(): void {
    this.#tiers.clear();
  }

  #tier(name: string): Map<string, HistoryBucket> {
    let map = this.#tiers.get(name);
    if (!map) {
      map = new Map();
      this.#tiers.set(name, map);
    }
    return map;
  }
}
