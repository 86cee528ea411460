import { combine, type HistoryBucket, type HistoryStore, type PruneStep, type SeriesKey } from './history-store.js';

/** A series as one string that sorts as the SQLite store's (device, point) order: NUL sorts before every character. */
const seriesId = (s: SeriesKey): string => `${s.device}\u0000${s.point}`;
const seriesOf = (id: string): SeriesKey => {
  const [device = '', point = ''] = id.split('\u0000');
  return { device, point };
};

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

  prune(tier: string, beforeMs: number, after?: SeriesKey, maxSeries = Number.POSITIVE_INFINITY): PruneStep {
    const map = this.#tier(tier);
    const series = [...new Set([...map.values()].map((b) => seriesId(b)))].sort().filter((id) => !after || id > seriesId(after));
    const visited = series.slice(0, maxSeries);
    const inStep = new Set(visited);
    let deleted = 0;
    for (const [key, b] of map) {
      if (b.ts < beforeMs && inStep.has(seriesId(b))) {
        map.delete(key);
        deleted += 1;
      }
    }
    // As the SQLite store: a step that stopped at its budget says where; one that ran out of series does not.
    const last = visited.length === maxSeries ? visited.at(-1) : undefined;
    return last === undefined ? { deleted } : { deleted, last: seriesOf(last) };
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
