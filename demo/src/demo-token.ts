import { randomBytes } from 'node:crypto';
import { deepFreeze, type HttpToken, type SiteConfig } from '@lifeline/core';

/** Who the demo's own token signs in as: recorded with every ack and shelve. */
export const DEMO_OPERATOR = 'demo-operator';

/**
 * The demo shows Ack and Shelve, and nothing writes without a token (DESIGN.md
 * §4): when neither the site nor the environment configures one, the demo
 * makes an operator token for this run only — 24 random bytes, never written
 * to a log or a file, printed once in the banner. A site or environment that
 * configures tokens keeps exactly those.
 */
export function withDemoToken(site: SiteConfig): { site: SiteConfig; token: string | undefined } {
  if (site.http.tokens.length > 0) return { site, token: undefined };
  const token = randomBytes(24).toString('base64url');
  const demoToken: HttpToken = { user: DEMO_OPERATOR, role: 'operator', token };
  return { site: deepFreeze({ ...site, http: { ...site.http, tokens: [demoToken] } }), token };
}
