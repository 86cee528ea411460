import type { TwinGrant, TwinGrantRule, TwinOrigin } from '@lifeline/core';

/**
 * Who asks, as the connection tells it (docs/security.md): on the local broker
 * the logged-in user (the broker refuses a `by.user` naming anyone else and
 * every anonymous command), on the centre link the centre's operator.
 */
export interface Principal {
  readonly origin: TwinOrigin;
  readonly user: string;
}

/**
 * Decides whether `principal` may do `grant` on `device`: a decision function
 * over the site's `twin.authorise` rules (user, origin, grant and device).
 * Safe default: no rule, no permission.
 */
export function isAuthorised(rules: readonly TwinGrantRule[], principal: Principal, grant: TwinGrant, device: string): boolean {
  return rules.some(
    (r) =>
      (r.user === '*' || r.user === principal.user) &&
      (r.origin === undefined || r.origin === principal.origin) &&
      r.may.includes(grant) &&
      (r.devices === undefined || r.devices.includes(device)),
  );
}
