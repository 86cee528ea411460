/**
 * Alarm flood detection as a pure machine (ISA-18.2 §16, EEMUA 191): a
 * flood starts when more than `start` alarms were annunciated in the window
 * (10 in 10 min per operator position) and ends when the rate falls below
 * `end` (5 in 10 min). The gap between the two keeps the flood from
 * flickering at the threshold.
 */
export interface FloodThresholds {
  readonly start: number;
  readonly end: number;
}

export type FloodState =
  | { readonly kind: 'normal' }
  | {
      readonly kind: 'flood';
      readonly since: number;
      /** Alarms annunciated since the flood started, the one that started it included. */
      readonly alarms: number;
      /** The highest rate seen during the flood. */
      readonly peak: number;
    };

export const NO_FLOOD: FloodState = { kind: 'normal' };

export type FloodInput =
  /** An alarm was annunciated; `rate` is the count in the window, this alarm included. */
  | { readonly kind: 'alarm'; readonly at: number; readonly rate: number }
  /** Time passed; `rate` is the count in the window now. */
  | { readonly kind: 'tick'; readonly at: number; readonly rate: number };

export type FloodEffect =
  | { readonly kind: 'flood-start'; readonly at: number; readonly rate: number }
  | {
      readonly kind: 'flood-end';
      readonly at: number;
      readonly rate: number;
      readonly since: number;
      readonly alarms: number;
      readonly peak: number;
    };

export interface FloodStep {
  readonly state: FloodState;
  readonly effect?: FloodEffect;
}

export function stepFlood(state: FloodState, input: FloodInput, t: FloodThresholds): FloodStep {
  if (state.kind === 'normal') {
    if (input.rate > t.start) {
      return {
        state: { kind: 'flood', since: input.at, alarms: 1, peak: input.rate },
        effect: { kind: 'flood-start', at: input.at, rate: input.rate },
      };
    }
    return { state };
  }
  const alarms = state.alarms + (input.kind === 'alarm' ? 1 : 0);
  const peak = Math.max(state.peak, input.rate);
  if (input.rate < t.end) {
    return {
      state: NO_FLOOD,
      effect: { kind: 'flood-end', at: input.at, rate: input.rate, since: state.since, alarms, peak },
    };
  }
  return { state: { ...state, alarms, peak } };
}
