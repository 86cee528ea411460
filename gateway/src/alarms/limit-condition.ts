import type { LimitConfig } from '../config/index.js';

/**
 * One limit condition (hi, hihi, lo, lolo) as a pure state machine: hysteresis
 * on return, on-delay before raising and off-delay before clearing. It owns no
 * timers: it asks its owner to `schedule` a `tick` at a deadline and to
 * `cancel` it, and decides again when the tick arrives (ISA-18.2 §11.5 deadband
 * and delay-time alarm filtering).
 */
export type LimitState =
  | { readonly kind: 'normal' }
  | { readonly kind: 'pending-raise'; readonly since: number }
  | { readonly kind: 'active' }
  | { readonly kind: 'pending-clear'; readonly since: number };

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

export type LimitRule = Pick<LimitConfig, 'condition' | 'value' | 'hysteresis' | 'onDelayMs' | 'offDelayMs'>;

export const NORMAL: LimitState = { kind: 'normal' };

const isHigh = (rule: LimitRule) => rule.condition === 'hi' || rule.condition === 'hihi';

/** At or beyond the set-point: GB/T 50493 alarms when the concentration reaches it. */
export function isBeyond(rule: LimitRule, value: number): boolean {
  return isHigh(rule) ? value >= rule.value : value <= rule.value;
}

/** Back inside the limit by more than the hysteresis band. */
export function isReturned(rule: LimitRule, value: number): boolean {
  return isHigh(rule) ? value < rule.value - rule.hysteresis : value > rule.value + rule.hysteresis;
}

export function stepLimit(rule: LimitRule, state: LimitState, input: LimitInput): LimitStep {
  switch (state.kind) {
    case 'normal':
      if (input.kind === 'sample' && isBeyond(rule, input.value)) return startRaise(rule, input.at);
      return stay(state);
    case 'pending-raise':
      if (input.kind === 'sample' && !isBeyond(rule, input.value)) return { state: NORMAL, effects: [{ kind: 'cancel' }] };
      if (input.at - state.since >= rule.onDelayMs) return { state: { kind: 'active' }, effects: [{ kind: 'cancel' }, { kind: 'raise' }] };
      return stay(state);
    case 'active':
      if (input.kind === 'sample' && isReturned(rule, input.value)) return startClear(rule, input.at);
      return stay(state);
    case 'pending-clear':
      if (input.kind === 'sample' && !isReturned(rule, input.value)) return { state: { kind: 'active' }, effects: [{ kind: 'cancel' }] };
      if (input.at - state.since >= rule.offDelayMs) return { state: NORMAL, effects: [{ kind: 'cancel' }, { kind: 'clear' }] };
      return stay(state);
  }
}

function startRaise(rule: LimitRule, at: number): LimitStep {
  if (rule.onDelayMs === 0) return { state: { kind: 'active' }, effects: [{ kind: 'raise' }] };
  return { state: { kind: 'pending-raise', since: at }, effects: [{ kind: 'schedule', at: at + rule.onDelayMs }] };
}

function startClear(rule: LimitRule, at: number): LimitStep {
  if (rule.offDelayMs === 0) return { state: NORMAL, effects: [{ kind: 'clear' }] };
  return { state: { kind: 'pending-clear', since: at }, effects: [{ kind: 'schedule', at: at + rule.offDelayMs }] };
}

function stay(state: LimitState): LimitStep {
  return { state, effects: [] };
}
