import type { GatewayErrorCode } from '../errors.js';

/** Why a request may not be obeyed now, as an error code and its message arguments. */
export interface GuardRefusal {
  readonly code: Extract<GatewayErrorCode, 'LL_ERR_TWIN_STALE_REQUEST' | 'LL_ERR_TWIN_REPLAYED'>;
  readonly args: readonly unknown[];
}

/** Tokens remembered at most: beyond it the oldest are forgotten (bounded memory against a flood). */
const MAX_TOKENS = 10_000;

/**
 * Commands that cannot replay (docs/security.md): a request must be issued
 * within `maxAgeMs` of the gateway clock (either side, for clock skew), and
 * its clientToken must not have been seen within that window. A token is
 * remembered only as long as a request carrying it could still be fresh, so
 * the set stays bounded by the request rate times the window (and MAX_TOKENS).
 */
export class RequestGuard {
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  /** clientToken → when it stops mattering; insertion order = expiry order for equal windows. */
  readonly #seen = new Map<string, number>();

  constructor(maxAgeMs: number, now: () => number) {
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  /** Checks and, when fresh, remembers the token. `what` names the request for the message. */
  admit(what: string, issuedAt: string, clientToken: string): GuardRefusal | undefined {
    const now = this.#now();
    this.#forget(now);
    const issued = Date.parse(issuedAt);
    if (!Number.isFinite(issued) || Math.abs(now - issued) > this.#maxAgeMs) {
      return { code: 'LL_ERR_TWIN_STALE_REQUEST', args: [what, issuedAt, this.#maxAgeMs, new Date(now).toISOString()] };
    }
    if (this.#seen.has(clientToken)) return { code: 'LL_ERR_TWIN_REPLAYED', args: [clientToken] };
    this.#seen.set(clientToken, issued + this.#maxAgeMs);
    if (this.#seen.size > MAX_TOKENS) this.#seen.delete(this.#seen.keys().next().value as string);
    return undefined;
  }

  #forget(now: number): void {
    for (const [token, until] of this.#seen) {
      if (until >= now) break;
      this.#seen.delete(token);
    }
  }
}
