import type { PointSimulation } from '@lifeline/core';

/** The behaviour keys of a profile's `simulation` block (or a scenario's override of them). */
export type Behaviour = Pick<PointSimulation, 'noise' | 'driftPerHour' | 'daily'>;

const HOUR_MS = 3_600_000;
const DEFAULT_PEAK_HOUR = 14;

export function hasBehaviour(b: Behaviour | undefined): b is Behaviour {
  return b !== undefined && (b.noise !== undefined || b.driftPerHour !== undefined || b.daily !== undefined);
}

/**
 * A point's value at a moment of simulated time: its initial value, plus a
 * steady drift since start, plus a daily cosine peaking at `peakHour`, plus
 * uniform noise; clamped to the point's range. Pure: time and randomness come
 * from the caller.
 */
export function behaviourValue(
  initial: number,
  b: Behaviour,
  elapsedMs: number,
  hourOfDay: number,
  random: number,
  range?: { readonly min: number; readonly max: number },
): number {
  let value = initial;
  if (b.driftPerHour !== undefined) value += (b.driftPerHour * elapsedMs) / HOUR_MS;
  if (b.daily) value += b.daily.amplitude * Math.cos((2 * Math.PI * (hourOfDay - (b.daily.peakHour ?? DEFAULT_PEAK_HOUR))) / 24);
  if (b.noise !== undefined) value += b.noise * (2 * random - 1);
  return range ? Math.min(range.max, Math.max(range.min, value)) : value;
}

/** Hour of day (0–24, fractional) of a simulated instant, in local time as a daily load curve is. */
export function hourOfDay(epochMs: number): number {
  const d = new Date(epochMs);
  return d.getHours() + d.getMinutes() / 60 + d.getSeconds() / 3600;
}
