import { countIn, emptyWindow, prune, record, type SlidingWindow } from './sliding-window.js';

/**
 * Chattering detection for one alarm as a pure machine (EEMUA 191,
 * ISA-18.2 §16): an alarm that raises `raises` or more times within
 * `windowMs` (3 in 1 min) is chattering. It stops chattering after a whole
 * window without a raise, so an alarm that keeps flapping more slowly is not
 * reported on and off at every raise.
 */
export interface ChatterThresholds {
  readonly raises: number;
  readonly windowMs: number;
}

export interface ChatterState {
  readonly raises: SlidingWindow;
  /** Set while chattering: when it started and raises counted since. */
  readonly chattering?: { readonly since: number; readonly raises: number };
}

export type ChatterInput = { readonly kind: 'raise'; readonly at: number } | { readonly kind: 'tick'; readonly at: number };

export type ChatterEffect =
  | { readonly kind: 'chatter-start'; readonly at: number; readonly raises: number }
  | { readonly kind: 'chatter-end'; readonly at: number; readonly since: number; readonly raises: number };

export interface ChatterStep {
  readonly state: ChatterState;
  readonly effect?: ChatterEffect;
}

export function newChatter(t: ChatterThresholds): ChatterState {
  return { raises: emptyWindow(t.windowMs) };
}

export function stepChatter(state: ChatterState, input: ChatterInput, t: ChatterThresholds): ChatterStep {
  if (input.kind === 'raise') {
    const raises = record(state.raises, input.at);
    if (state.chattering) return { state: { raises, chattering: { ...state.chattering, raises: state.chattering.raises + 1 } } };
    const count = raises.at.length;
    if (count >= t.raises) {
      return {
        state: { raises, chattering: { since: input.at, raises: count } },
        effect: { kind: 'chatter-start', at: input.at, raises: count },
      };
    }
    return { state: { raises } };
  }
  const raises = prune(state.raises, input.at);
  if (state.chattering && countIn(raises, input.at) === 0) {
    return {
      state: { raises },
      effect: { kind: 'chatter-end', at: input.at, since: state.chattering.since, raises: state.chattering.raises },
    };
  }
  return { state: state.chattering ? { raises, chattering: state.chattering } : { raises } };
}

/** Nothing left to remember: the owner may forget this alarm's state. */
export function isIdle(state: ChatterState): boolean {
  return state.chattering === undefined && state.raises.at.length === 0;
}
