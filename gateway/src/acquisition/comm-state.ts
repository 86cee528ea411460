/**
 * A device's communication state as the API, twin and metrics show it:
 * `connecting` before the first answer, `online` while requests succeed,
 * `degraded` while some fail (retries, exceptions, bad frames) but the device
 * still answers, `offline` when its circuit breaker is open or its link is down.
 */
export type CommState = 'connecting' | 'online' | 'degraded' | 'offline';

export interface CommInputs {
  /** Any successful transaction since start. */
  readonly everAnswered: boolean;
  /** The link is up (TCP connected, serial port open, OPC UA session active). */
  readonly linkUp: boolean;
  readonly breakerOpen: boolean;
  /** The last poll cycle ended with at least one failed request (after retries). */
  readonly lastCycleFailed: boolean;
  /** The last poll cycle needed retries or got exceptions, but ended with data. */
  readonly lastCycleImpaired: boolean;
}

export function commStateOf(i: CommInputs): CommState {
  if (i.breakerOpen || (!i.linkUp && i.everAnswered)) return 'offline';
  if (!i.everAnswered) return i.lastCycleFailed ? 'offline' : 'connecting';
  if (i.lastCycleFailed || i.lastCycleImpaired) return 'degraded';
  return 'online';
}
