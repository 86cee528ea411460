import type { HistorySample, HistorySource } from './history-source.js';

/** Bucketed history that outlives the process (the durable LocalHistory in `store/` has this shape). */
export interface TrendSource {
  trend(device: string, point: string, fromMs: number, toMs: number): readonly { readonly ts: number; readonly avg: number }[];
}

/**
 * Recent samples at full resolution from the in-memory ring; before the
 * ring's oldest sample, bucket averages from the durable history, so a trend
 * reaches back across restarts and past the ring's capacity.
 */
export class LayeredHistory implements HistorySource {
  readonly #recent: HistorySource;
  readonly #durable: TrendSource;
  readonly #now: () => number;

  constructor(recent: HistorySource, durable: TrendSource, now: () => number = Date.now) {
    this.#recent = recent;
    this.#durable = durable;
    this.#now = now;
  }

  history(device: string, point: string, sinceMs: number): HistorySample[] {
    const recent = this.#recent.history(device, point, sinceMs);
    const recentFrom = recent[0]?.ts ?? this.#now();
    if (recentFrom <= sinceMs) return recent;
    const older = this.#durable
      .trend(device, point, sinceMs, recentFrom)
      .filter((b) => b.ts < recentFrom)
      .map((b) => ({ ts: b.ts, value: b.avg }));
    return [...older, ...recent];
  }
}
