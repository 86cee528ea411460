/**
 * Alarms annunciated in the last `windowMs`, counted in one-second buckets,
 * so the cost of one alarm and the memory stay bounded (≤ windowMs / 1 s
 * buckets) however hard a flood hits: the rate is exact to the second, which
 * is all a rate per 10 min needs (ISA-18.2 §16). Pure data: the caller
 * says what time it is.
 */
export const RATE_BUCKET_MS = 1000;

export interface RateWindow {
  readonly windowMs: number;
  /** [second, count], ascending by second. */
  readonly buckets: readonly (readonly [number, number])[];
}

export function emptyRate(windowMs: number): RateWindow {
  return { windowMs, buckets: [] };
}

/** The first second still inside the window ending at `now`. */
function firstSecond(windowMs: number, now: number): number {
  return Math.floor((now - windowMs) / RATE_BUCKET_MS) + 1;
}

export function recordRate(w: RateWindow, now: number): RateWindow {
  const second = Math.floor(now / RATE_BUCKET_MS);
  const from = firstSecond(w.windowMs, now);
  const kept = w.buckets.filter(([s]) => s >= from);
  const last = kept[kept.length - 1];
  if (last && last[0] === second) return { windowMs: w.windowMs, buckets: [...kept.slice(0, -1), [second, last[1] + 1]] };
  return { windowMs: w.windowMs, buckets: [...kept, [second, 1]] };
}

export function rateAt(w: RateWindow, now: number): number {
  const from = firstSecond(w.windowMs, now);
  let n = 0;
  for (const [s, c] of w.buckets) if (s >= from) n += c;
  return n;
}

/** Drops the buckets that left the window (the owner calls it on its tick, so an idle window frees its memory). */
export function pruneRate(w: RateWindow, now: number): RateWindow {
  const from = firstSecond(w.windowMs, now);
  return w.buckets.length > 0 && (w.buckets[0] as readonly [number, number])[0] < from
    ? { windowMs: w.windowMs, buckets: w.buckets.filter(([s]) => s >= from) }
    : w;
}
