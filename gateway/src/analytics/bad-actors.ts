/**
 * The bad-actor list (EEMUA 191, ISA-18.2 §16): the alarms that raised
 * most often over the last 24 h. A handful of them often make most of the
 * load, and fixing those is the cheapest way out of a flood. Counts are kept
 * in hourly buckets so memory stays bounded whatever the rate; the window is
 * therefore exact to the hour.
 */
export const BUCKET_MS = 3_600_000;

export interface BadActorState {
  readonly windowMs: number;
  /** hour number (ms / BUCKET_MS) → alarm id → raises in that hour. */
  readonly buckets: Map<number, Map<string, number>>;
}

export interface BadActor {
  readonly alarmId: string;
  readonly raises: number;
  /** Share of all raises in the window, 0–1. */
  readonly share: number;
}

export function newBadActors(windowMs: number): BadActorState {
  return { windowMs, buckets: new Map() };
}

function oldestHour(state: BadActorState, now: number): number {
  return Math.floor(now / BUCKET_MS) - Math.ceil(state.windowMs / BUCKET_MS) + 1;
}

/**
 * Counts one raise. It updates `state` in place and returns it: copying the
 * hour's counts on every raise would cost O(alarms) per alarm in a flood,
 * and the owner (AlarmAnalytics) holds the only reference.
 */
export function countRaise(state: BadActorState, alarmId: string, now: number): BadActorState {
  const hour = Math.floor(now / BUCKET_MS);
  const from = oldestHour(state, now);
  for (const h of state.buckets.keys()) if (h < from) state.buckets.delete(h);
  const bucket = state.buckets.get(hour) ?? new Map<string, number>();
  bucket.set(alarmId, (bucket.get(alarmId) ?? 0) + 1);
  state.buckets.set(hour, bucket);
  return state;
}

/** The top `n` alarms by raises in the window ending at `now`; ties by alarm id, so the list is stable. */
export function topBadActors(state: BadActorState, now: number, n: number): BadActor[] {
  const from = oldestHour(state, now);
  const totals = new Map<string, number>();
  for (const [hour, bucket] of state.buckets) {
    if (hour < from) continue;
    for (const [id, c] of bucket) totals.set(id, (totals.get(id) ?? 0) + c);
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, n)
    .map(([alarmId, raises]) => ({ alarmId, raises, share: Math.round((raises / all) * 1000) / 1000 }));
}
