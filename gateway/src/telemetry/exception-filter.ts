import type { Quality, Reading } from '@lifeline/core';

/** Report-by-exception policy (DESIGN.md §3). */
export interface ExceptionPolicy {
  /** A numeric change smaller than this (in the point's unit) is not reported. 0 reports every change. */
  readonly deadband: number;
  /** A point unreported this long is reported anyway (heartbeat), even unchanged. */
  readonly maxSilenceMs: number;
}

export interface LastReported {
  readonly value: number | boolean | undefined;
  readonly quality: Quality;
  readonly at: number;
}

/**
 * Pure decision: report this reading? The first reading, a quality change, a
 * boolean change, a numeric change of at least the deadband, or the
 * max-silence heartbeat say yes.
 */
export function shouldReport(last: LastReported | undefined, reading: Reading, now: number, policy: ExceptionPolicy): boolean {
  if (!last) return true;
  if (last.quality !== reading.quality) return true;
  if (now - last.at >= policy.maxSilenceMs) return true;
  const value = reading.value;
  if (typeof value === 'number' && typeof last.value === 'number')
    return Math.abs(value - last.value) >= Math.max(policy.deadband, Number.MIN_VALUE);
  return value !== last.value;
}
