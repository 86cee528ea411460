import type { Reading } from '../acquisition/reading.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { combine, HISTORY_TIERS, type HistoryBucket, type HistoryStore, type HistoryTier } from './history-store.js';

export interface TrendPoint {
  readonly ts: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly count: number;
}

/**
 * Readings → per-tier buckets in memory → the history store every
 * `flushEveryMs`; queries pick the finest tier that still covers the range
 * and returns at most `maxPoints`. Owns its flush timer.
 */
export class LocalHistory {
  readonly #store: HistoryStore;
  readonly #clock: Clock;
  readonly #tiers: readonly HistoryTier[];
  readonly #flushEveryMs: number;
  readonly #open = new Map<string, Map<string, HistoryBucket>>();
  #timer: TimerHandle | undefined;

  constructor(store: HistoryStore, clock: Clock, options: { tiers?: readonly HistoryTier[]; flushEveryMs?: number } = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#tiers = options.tiers ?? HISTORY_TIERS;
    this.#flushEveryMs = options.flushEveryMs ?? 10_000;
  }

  /** Numeric and boolean (0/1) values of good or uncertain readings; bad ones carry no value. */
  record(readings: readonly Reading[]): void {
    for (const r of readings) {
      const value = typeof r.value === 'boolean' ? Number(r.value) : r.value;
      if (value === undefined || !Number.isFinite(value) || r.quality === 'bad') continue;
      for (const tier of this.#tiers) {
        const ts = r.sourceTs - (r.sourceTs % tier.bucketMs);
        const sample: HistoryBucket = { device: r.device, point: r.point, ts, count: 1, sum: value, min: value, max: value };
        const open = this.#openTier(tier.name);
        const key = `${r.device}\u0000${r.point}\u0000${ts}`;
        const old = open.get(key);
        open.set(key, old ? combine(old, sample) : sample);
      }
    }
  }

  trend(device: string, point: string, fromMs: number, toMs: number, maxPoints = 500): TrendPoint[] {
    this.flush();
    const age = this.#clock.now() - fromMs;
    const tier =
      this.#tiers.find((t) => t.retentionMs >= age && (toMs - fromMs) / t.bucketMs <= maxPoints) ??
      (this.#tiers[this.#tiers.length - 1] as HistoryTier);
    return this.#store
      .query(tier.name, device, point, fromMs, toMs)
      .map((b) => ({ ts: b.ts, min: b.min, max: b.max, avg: b.sum / b.count, count: b.count }));
  }

  start(): void {
    if (this.#timer !== undefined) return;
    const tick = () => {
      this.flush();
      const now = this.#clock.now();
      for (const tier of this.#tiers) this.#store.prune(tier.name, now - tier.retentionMs);
      this.#timer = this.#clock.setTimeout(tick, this.#flushEveryMs);
    };
    this.#timer = this.#clock.setTimeout(tick, this.#flushEveryMs);
  }

  flush(): void {
    for (const [tier, open] of this.#open) {
      if (open.size > 0) this.#store.merge(tier, [...open.values()]);
      open.clear();
    }
  }

  /** Flushes and closes the store. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
    this.#store.close();
  }

  #openTier(name: string): Map<string, HistoryBucket> {
    let open = this.#open.get(name);
    if (!open) {
      open = new Map();
      this.#open.set(name, open);
    }
    return open;
  }
}
