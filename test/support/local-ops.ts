import type { SiteConfig } from '../../core/src/index.js';

/** A logged-in local broker user: commands on the local broker come from one naming itself (docs/security.md). */
export const OPS = { username: 'ops', password: 'ops-password' };

/** The site with `ops` as a local broker user allowed on every lifeline topic (its twin grants come from the fixture). */
export const withOps = (site: SiteConfig): SiteConfig => ({
  ...site,
  mqtt: {
    ...site.mqtt,
    local: { ...site.mqtt.local, users: [{ ...OPS, publish: ['lifeline/v1/#'], subscribe: ['lifeline/v1/#'] }] },
  },
});
