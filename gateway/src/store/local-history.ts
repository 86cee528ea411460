import { type Clock, PointMap, type Reading, type TimerHandle } from '@lifeline/core';
import { HISTORY_TIERS, type HistoryBucket, type HistoryStore, type HistoryTier } from './history-store.js';

type OpenBucket = { -readonly [K in keyof HistoryBucket]: HistoryBucket[K] };
/** Each point's bucket being filled, and buckets it has moved past, of one tier. */
interface OpenTier {
  readonly current: PointMap<OpenBucket>;
  readonly done: OpenBucket[];
  /** Timer ticks between two stores of this tier, and how many have passed. */
  readonly everyTicks: number;
  ticks: number;
}

export interface TrendPoint {
  readonly ts: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly count: number;
}

/**
 * Readings → per-tier buckets in memory → the history store every
 * `flushEveryMs` (a tier with `storeEveryMs` less often; queries and stop store
 * everything first); queries pick the finest tier that still covers the range
 * and returns at most `maxPoints`. Owns its flush timer.
 */
export class LocalHistory {
  readonly #store: HistoryStore;
  readonly #clock: Clock;
  readonly #tiers: readonly HistoryTier[];
  readonly #flushEveryMs: number;
  /** Per tier, in the order of #tiers. */
  readonly #open: OpenTier[];
  #timer: TimerHandle | undefined;

  constructor(store: HistoryStore, clock: Clock, options: { tiers?: readonly HistoryTier[]; flushEveryMs?: number } = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#tiers = options.tiers ?? HISTORY_TIERS;
    this.#flushEveryMs = options.flushEveryMs ?? 10_000;
    this.#open = this.#tiers.map((t) => ({
      current: new PointMap(),
      done: [],
      everyTicks: Math.max(1, Math.floor((t.storeEveryMs ?? 0) / this.#flushEveryMs)),
      ticks: 0,
    }));
  }

  /**
   * Numeric and boolean (0/1) values of good or uncertain readings; bad ones
   * carry no value. On the hot path of every poll: no allocation per
   * reading but a point's new bucket, buckets updated in place.
   */
  record(readings: readonly Reading[]): void {
    for (const r of readings) {
      const value = typeof r.value === 'boolean' ? Number(r.value) : r.value;
      if (value === undefined || !Number.isFinite(value) || r.quality === 'bad') continue;
      for (let i = 0; i < this.#tiers.length; i++) {
        const tier = this.#tiers[i] as HistoryTier;
        const ts = r.sourceTs - (r.sourceTs % tier.bucketMs);
        const open = this.#open[i] as OpenTier;
        const bucket = open.current.get(r.device, r.point);
        if (bucket?.ts === ts) {
          bucket.count += 1;
          bucket.sum += value;
          if (value < bucket.min) bucket.min = value;
          if (value > bucket.max) bucket.max = value;
          continue;
        }
        // A new bucket for this point; the one it leaves (or an out-of-order sample's) is stored at the next flush.
        const fresh = { device: r.device, point: r.point, ts, count: 1, sum: value, min: value, max: value };
        if (bucket && bucket.ts > ts) open.done.push(fresh);
        else {
          if (bucket) open.done.push(bucket);
          open.current.set(r.device, r.point, fresh);
        }
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
      for (const [i, open] of this.#open.entries()) {
        open.ticks += 1;
        if (open.ticks < open.everyTicks) continue;
        open.ticks = 0;
        this.#flushTier(i);
      }
      const now = this.#clock.now();
      for (const tier of this.#tiers) this.#store.prune(tier.name, now - tier.retentionMs);
      this.#timer = this.#clock.setTimeout(tick, this.#flushEveryMs);
    };
    this.#timer = this.#clock.setTimeout(tick, this.#flushEveryMs);
  }

  /** Stores every bucket filled since the last flush; the store combines them with what it holds. */
  flush(): void {
    for (let i = 0; i < this.#tiers.length; i++) this.#flushTier(i);
  }

  #flushTier(i: number): void {
    const tier = this.#tiers[i] as HistoryTier;
    const open = this.#open[i] as OpenTier;
    const buckets = open.current.appendTo(open.done.slice());
    if (buckets.length > 0) this.#store.merge(tier.name, buckets);
    open.done.length = 0;
    open.current.clear();
  }

  /** Flushes and closes the store. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
    this.#store.close();
  }
}
