/**
 * A per-device circuit breaker (Nygard, "Release It!", ch. 5): after
 * `failureThreshold` consecutive failed transactions the device is skipped
 * ("open") for `openMs`, then one probe is let through ("half-open"); a success
 * closes it, a failure re-opens it for twice as long, up to `maxOpenMs`. While
 * open, a dead unit costs its bus nothing, so it cannot stall its neighbours.
 * Pure: the scheduler owns the clock and passes `now` in.
 */
export interface BreakerPolicy {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
}

export type BreakerState =
  | { readonly kind: 'closed'; readonly failures: number }
  | { readonly kind: 'open'; readonly until: number; readonly openMs: number }
  | { readonly kind: 'half-open'; readonly openMs: number };

export const CLOSED: BreakerState = { kind: 'closed', failures: 0 };

export type BreakerEvent = { readonly kind: 'success' } | { readonly kind: 'failure'; readonly now: number };

export function breakerStep(state: BreakerState, event: BreakerEvent, policy: BreakerPolicy): BreakerState {
  if (event.kind === 'success') return CLOSED;
  switch (state.kind) {
    case 'closed': {
      const failures = state.failures + 1;
      if (failures < policy.failureThreshold) return { kind: 'closed', failures };
      return { kind: 'open', until: event.now + policy.openMs, openMs: policy.openMs };
    }
    case 'half-open': {
      const openMs = Math.min(policy.maxOpenMs, state.openMs * 2);
      return { kind: 'open', until: event.now + openMs, openMs };
    }
    case 'open':
      // A failure reported while open (a request that was already in flight) changes nothing.
      return state;
  }
}

/** Whether a request may go to the device now; an expired open breaker becomes half-open (one probe). */
export function breakerAdmit(state: BreakerState, now: number): { readonly admit: boolean; readonly state: BreakerState } {
  if (state.kind !== 'open') return { admit: true, state };
  if (now < state.until) return { admit: false, state };
  return { admit: true, state: { kind: 'half-open', openMs: state.openMs } };
}
