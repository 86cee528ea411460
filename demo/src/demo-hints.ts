import { type DeviceConfig, isBeyond, isReturned, type LimitConfig, type PointConfig, type SiteConfig } from '@lifeline/core';

/**
 * The "raise an alarm / clear it" lines of the demo banner, derived from the
 * point's own limits so they hold for every site kind: a substation's clear
 * must not be 0 V (that raises its low-voltage alarms). The raise value sits
 * beyond the most severe high limit (or below the lowest low limit for a
 * low-only point); the clear hands the point back to its simulated behaviour
 * (DELETE on the simulator), whose whole band lies inside every limit by more
 * than its hysteresis.
 */
export interface DemoHint {
  readonly device: string;
  readonly point: string;
  readonly unit: string;
  /** The alarm the raise value raises: `{device}/{point}/{condition}`. */
  readonly alarmId: string;
  readonly limit: LimitConfig;
  readonly raise: number;
  /** Where the point's behaviour keeps it: initial ± noise ± daily amplitude, clamped to its range. */
  readonly normal: { readonly min: number; readonly max: number };
}

const HIGH = new Set(['hi', 'hihi']);
const LOW = new Set(['lo', 'lolo']);
/** How far past the limit the raise goes, as a share of the point's span (60 %LEL for a 50 %LEL limit over 0–100). */
const RAISE_SHARE_OF_SPAN = 0.1;

/** The hint for the first device point whose raise and clear can be derived, if any. */
export function demoHint(site: Pick<SiteConfig, 'devices'>): DemoHint | undefined {
  for (const device of site.devices) {
    for (const point of device.points) {
      const hint = hintFor(device, point);
      if (hint) return hint;
    }
  }
  return undefined;
}

function hintFor(device: DeviceConfig, point: PointConfig): DemoHint | undefined {
  const valueLimits = point.limits.filter((l) => HIGH.has(l.condition) || LOW.has(l.condition));
  // Rate-of-change and flat-line alarms would also answer a hand-set jump: such a point makes a poor demo.
  if (valueLimits.length === 0 || valueLimits.length !== point.limits.length) return undefined;
  const normal = behaviourBand(device, point);
  if (!normal || !valueLimits.every((l) => isReturned(l, normal.min) && isReturned(l, normal.max))) return undefined;
  const limit = mostSevere(valueLimits);
  const raise = raiseValue(limit, point);
  if (!isBeyond(limit, raise)) return undefined;
  return {
    device: device.id,
    point: point.id,
    unit: point.unit,
    alarmId: `${device.id}/${point.id}/${limit.condition}`,
    limit,
    raise,
    normal,
  };
}

/** The highest high limit, else the lowest low limit. */
function mostSevere(limits: readonly LimitConfig[]): LimitConfig {
  const highs = limits.filter((l) => HIGH.has(l.condition)).sort((a, b) => b.value - a.value);
  const lows = limits.filter((l) => LOW.has(l.condition)).sort((a, b) => a.value - b.value);
  return (highs[0] ?? lows[0]) as LimitConfig;
}

/** Past the limit by a tenth of the span (at least the hysteresis), kept inside the range so no sensor-fault check fires. */
function raiseValue(limit: LimitConfig, point: PointConfig): number {
  const span = point.range ? point.range.max - point.range.min : Math.abs(limit.value) || 1;
  const step = Math.max(span * RAISE_SHARE_OF_SPAN, limit.hysteresis);
  const high = HIGH.has(limit.condition);
  const raw = high ? limit.value + step : limit.value - step;
  const clamped = point.range ? Math.min(point.range.max, Math.max(point.range.min, raw)) : raw;
  return roundAway(clamped, limit.value, high);
}

/** Four significant digits, rounded away from the limit so rounding never brings the value back inside it. */
function roundAway(value: number, limit: number, high: boolean): number {
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value) || 1)));
  const factor = 10 ** digits;
  const rounded = (high ? Math.ceil(value * factor) : Math.floor(value * factor)) / factor;
  return high ? Math.max(rounded, limit) : Math.min(rounded, limit);
}

/** The band the simulator's behaviour (firmware-sim point-behaviour.ts) keeps a numeric point in. */
function behaviourBand(device: DeviceConfig, point: PointConfig): { min: number; max: number } | undefined {
  if (typeof point.initial !== 'number') return undefined;
  const sim = device.profile.points[point.id]?.simulation;
  if (sim?.driftPerHour) return undefined;
  const reach = (sim?.noise ?? 0) + (sim?.daily?.amplitude ?? 0);
  const clamp = (v: number) => (point.range ? Math.min(point.range.max, Math.max(point.range.min, v)) : v);
  return { min: clamp(point.initial - reach), max: clamp(point.initial + reach) };
}
