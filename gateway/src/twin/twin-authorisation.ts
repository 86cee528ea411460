import type { TwinGrant, TwinGrantRule } from '@lifeline/core';

/**
 * Decides whether `user` may do `grant` on `device`: a decision function over
 * the site's `twin.authorise` rules (first match of user, then grant and
 * device). Safe default: no rule, no permission.
 */
export function isAuthorised(rules: readonly TwinGrantRule[], user: string, grant: TwinGrant, device: string): boolean {
  return rules.some(
    (r) => (r.user === '*' || r.user === user) && r.may.includes(grant) && (r.devices === undefined || r.devices.includes(device)),
  );
}
