/**
 * Timestamps within the last `windowMs`: the count of alarms in a rate window
 * (ISA-18.2 §16 rates are counts per fixed window, 10 min for a flood, 1 min
 * for chattering). Pure data: the caller says what time it is.
 */
export interface SlidingWindow {
  readonly windowMs: number;
  /** Ascending ms since epoch. */
  readonly at: readonly number[];
}

export function emptyWindow(windowMs: number): SlidingWindow {
  return { windowMs, at: [] };
}

/** Drops what fell out of the window ending at `now` (an event exactly `windowMs` old is out). */
export function prune(w: SlidingWindow, now: number): SlidingWindow {
  const from = now - w.windowMs;
  let i = 0;
  while (i < w.at.length && (w.at[i] as number) <= from) i++;
  return i === 0 ? w : { windowMs: w.windowMs, at: w.at.slice(i) };
}

export function record(w: SlidingWindow, now: number): SlidingWindow {
  const pruned = prune(w, now);
  return { windowMs: w.windowMs, at: [...pruned.at, now] };
}

export function countIn(w: SlidingWindow, now: number): number {
  return prune(w, now).at.length;
}
