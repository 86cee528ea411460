import type { Quality } from '@lifeline/core';

/**
 * Report-by-exception policy (DESIGN.md §3): the one rule behind telemetry
 * (deadband and heartbeat from `delivery.telemetry`) and the twin's reported
 * point values (TWIN_EXCEPTIONS).
 */
export interface ExceptionPolicy {
  /** A numeric change smaller than this (in the point's unit) is not reported. 0 reports every change. */
  readonly deadband: number;
  /** A point unreported this long is reported anyway (heartbeat), even unchanged. Infinity: never. */
  readonly maxSilenceMs: number;
  /** A changed `reason` alone is reported (the twin shows why a value is bad; telemetry does not carry it as a change). */
  readonly reasonChanges?: boolean;
}

/** What a point's value looks like to the rule: the candidate, or what was last reported. */
export interface ReportedValue {
  /** Absent for a bad reading. */
  readonly value?: number | boolean | undefined;
  readonly quality: Quality;
  readonly reason?: string | undefined;
}

export interface LastReported extends ReportedValue {
  /** When it was reported (ms, the reporter's clock). */
  readonly at: number;
}

/**
 * The twin: every change of value, quality or reason, however small, and no
 * heartbeat (its retained document is the current state; silence is fine).
 */
export const TWIN_EXCEPTIONS: ExceptionPolicy = { deadband: 0, maxSilenceMs: Number.POSITIVE_INFINITY, reasonChanges: true };

/**
 * Pure decision: report this value? The first one, the max-silence heartbeat,
 * or a change (changedValue).
 */
export function shouldReport(last: LastReported | undefined, next: ReportedValue, now: number, policy: ExceptionPolicy): boolean {
  if (!last) return true;
  return changedValue(last, next, policy) || now - last.at >= policy.maxSilenceMs;
}

/**
 * Pure decision, without the heartbeat: a quality change, a reason change
 * (when the policy says so), a boolean change, or a numeric change of at
 * least the deadband. The twin, which has no heartbeat, compares its point
 * with this directly (no report-time record per reading).
 */
export function changedValue(last: ReportedValue, next: ReportedValue, policy: ExceptionPolicy): boolean {
  if (last.quality !== next.quality) return true;
  if (policy.reasonChanges && last.reason !== next.reason) return true;
  const value = next.value;
  // Number.MIN_VALUE: with deadband 0 any difference between two distinct doubles counts.
  if (typeof value === 'number' && typeof last.value === 'number')
    return Math.abs(value - last.value) >= Math.max(policy.deadband, Number.MIN_VALUE);
  return value !== last.value;
}
