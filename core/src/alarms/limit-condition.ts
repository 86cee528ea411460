import type { LimitConfig } from '../config/index.js';

/**
 * One alarm condition as a pure state machine: hysteresis on return, on-delay
 * and N-sample debounce before raising, off-delay and N-sample debounce before
 * clearing. Limits (hi, hihi, lo, lolo) compare the value itself; the other
 * kinds compare a measure derived from it (see measure.ts). It owns no
 * timers: it asks its owner to `schedule` a `tick` at a deadline and to
 * `cancel` it, and decides again when the tick arrives (ISA-18.2 §11.5 deadband
 * and delay-time alarm filtering).
 */
export type LimitState =
  | { readonly kind: 'normal' }
  | { readonly kind: 'pending-raise'; readonly since: number; readonly count: number }
  | { readonly kind: 'active' }
  | { readonly kind: 'pending-clear'; readonly since: number; readonly count: number };

export type LimitInput =
  | { readonly kind: 'sample'; readonly value: number; readonly at: number }
  | { readonly kind: 'tick'; readonly at: number };

export type LimitEffect =
  | { readonly kind: 'raise' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'schedule'; readonly at: number }
  | { readonly kind: 'cancel' };

export interface LimitStep {
  readonly state: LimitState;
  readonly effects: readonly LimitEffect[];
}

export type LimitRule = Pick<LimitConfig, 'value' | 'hysteresis' | 'onDelayMs' | 'offDelayMs'> &
  Partial<Pick<LimitConfig, 'onSamples' | 'offSamples'>> & { readonly condition: string };

export const NORMAL: LimitState = { kind: 'normal' };

/** Every condition but the low limits alarms when its measure is at or above the value. */
const isHigh = (rule: LimitRule) => rule.condition !== 'lo' && rule.condition !== 'lolo';

/** At or beyond the set-point: GB/T 50493 alarms when the concentration reaches it. */
export function isBeyond(rule: LimitRule, value: number): boolean {
  return isHigh(rule) ? value >= rule.value : value <= rule.value;
}

/** Back inside the limit by more than the hysteresis band. */
export function isReturned(rule: LimitRule, value: number): boolean {
  return isHigh(rule) ? value < rule.value - rule.hysteresis : value > rule.value + rule.hysteresis;
}

export function stepLimit(rule: LimitRule, state: LimitState, input: LimitInput): LimitStep {
  const sample = input.kind === 'sample';
  switch (state.kind) {
    case 'normal':
      if (sample && isBeyond(rule, input.value)) return startRaise(rule, input.at);
      return stay(state);
    case 'pending-raise': {
      if (sample && !isBeyond(rule, input.value)) return { state: NORMAL, effects: [{ kind: 'cancel' }] };
      const count = state.count + (sample ? 1 : 0);
      if (input.at - state.since >= rule.onDelayMs && count >= (rule.onSamples ?? 1))
        return { state: { kind: 'active' }, effects: [{ kind: 'cancel' }, { kind: 'raise' }] };
      return stay({ ...state, count });
    }
    case 'active':
      if (sample && isReturned(rule, input.value)) return startClear(rule, input.at);
      return stay(state);
    case 'pending-clear': {
      if (sample && !isReturned(rule, input.value)) return { state: { kind: 'active' }, effects: [{ kind: 'cancel' }] };
      const count = state.count + (sample ? 1 : 0);
      if (input.at - state.since >= rule.offDelayMs && count >= (rule.offSamples ?? 1))
        return { state: NORMAL, effects: [{ kind: 'cancel' }, { kind: 'clear' }] };
      return stay({ ...state, count });
    }
  }
}

function startRaise(rule: LimitRule, at: number): LimitStep {
  if (rule.onDelayMs === 0 && (rule.onSamples ?? 1) <= 1) return { state: { kind: 'active' }, effects: [{ kind: 'raise' }] };
  const effects: LimitEffect[] = rule.onDelayMs > 0 ? [{ kind: 'schedule', at: at + rule.onDelayMs }] : [];
  return { state: { kind: 'pending-raise', since: at, count: 1 }, effects };
}

function startClear(rule: LimitRule, at: number): LimitStep {
  if (rule.offDelayMs === 0 && (rule.offSamples ?? 1) <= 1) return { state: NORMAL, effects: [{ kind: 'clear' }] };
  const effects: LimitEffect[] = rule.offDelayMs > 0 ? [{ kind: 'schedule', at: at + rule.offDelayMs }] : [];
  return { state: { kind: 'pending-clear', since: at, count: 1 }, effects };
}

function stay(state: LimitState): LimitStep {
  return { state, effects: [] };
}
