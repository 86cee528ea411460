/**
 * The local history behind the dashboard's trends (DESIGN.md §6): per point,
 * min/max/sum/count per time bucket, at two resolutions (tiers) with their
 * own retention — downsampling, so a month of trends fits in a few MB.
 */
export interface HistoryTier {
  readonly name: string;
  readonly bucketMs: number;
  readonly retentionMs: number;
  /**
   * Open and finished buckets are stored at most this often (default: every
   * flush); queries and stop store everything first. Each store writes one row
   * per point, each into its point's own B-tree page: 10k points stored every
   * 10 s rewrote ~10k pages a tick (~200 ms of CPU per tick after an hour of
   * data), six buckets a point at once share those pages. A crash loses at most
   * this much of the trends (alarms and telemetry are in the outbox).
   */
  readonly storeEveryMs?: number;
}

/** 10-second buckets for a day, 5-minute buckets for 30 days; both stored every minute. */
export const HISTORY_TIERS: readonly HistoryTier[] = [
  { name: 'fine', bucketMs: 10_000, retentionMs: 86_400_000, storeEveryMs: 60_000 },
  { name: 'coarse', bucketMs: 300_000, retentionMs: 2_592_000_000, storeEveryMs: 60_000 },
];

export interface HistoryBucket {
  readonly device: string;
  readonly point: string;
  /** Bucket start (ms since epoch). */
  readonly ts: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** One point's series of buckets in a tier; series are ordered by device, then point. */
export interface SeriesKey {
  readonly device: string;
  readonly point: string;
}

/** What one prune step did: buckets deleted, and the last series it visited (none once it passed the tier's last). */
export interface PruneStep {
  readonly deleted: number;
  readonly last?: SeriesKey;
}

export interface HistoryStore {
  /** Adds buckets into a tier, combining with what is stored for the same bucket. */
  merge(tier: string, buckets: readonly HistoryBucket[]): void;
  /** A point's buckets in [fromMs, toMs), oldest first. */
  query(tier: string, device: string, point: string, fromMs: number, toMs: number): HistoryBucket[];
  /**
   * Drops a tier's buckets older than `beforeMs` in at most `maxSeries` series
   * after `after` (from the first without it), so one step's work is bounded:
   * a tier's rows are clustered by series, and a delete by time alone reads
   * the whole tier (0.5–0.7 s for an hour of 10k points, a day's 24×).
   */
  prune(tier: string, beforeMs: number, after?: SeriesKey, maxSeries?: number): PruneStep;
  close(): void;
}

export function combine(a: HistoryBucket, b: HistoryBucket): HistoryBucket {
  return { ...a, count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}
