import { dirname, resolve } from 'node:path';
import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import { secret } from './schema-uplinks.js';
import type { CentreLink } from './site-config.js';
import type { SiteConfigInput } from './site-schema.js';
import type { YamlSource } from './yaml-source.js';

/** The centre link with defaults, its password (inline or from the environment) and TLS files resolved from the site file. */
export function buildCentre(file: string, input: SiteConfigInput, source: YamlSource, issues: ConfigIssue[]): CentreLink | undefined {
  const c = input.mqtt?.centre;
  if (!c) return undefined;
  const password = secret(c.password, c.passwordEnv, ['mqtt', 'centre', 'passwordEnv'], source, issues);
  const here = (f: string) => resolve(dirname(file), f);
  const tls = c.tls;
  return {
    url: c.url,
    protocolVersion: c.protocolVersion ?? DEFAULTS.mqttProtocolVersion,
    ...(c.clientId !== undefined ? { clientId: c.clientId } : {}),
    ...(c.username !== undefined ? { username: c.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(c.keepaliveS !== undefined ? { keepaliveS: c.keepaliveS } : {}),
    ...(c.ackTimeoutMs !== undefined ? { ackTimeoutMs: c.ackTimeoutMs } : {}),
    ...(tls
      ? {
          tls: {
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
            ...(tls.caFile ? { caFile: here(tls.caFile) } : {}),
            ...(tls.certFile ? { certFile: here(tls.certFile) } : {}),
            ...(tls.keyFile ? { keyFile: here(tls.keyFile) } : {}),
            ...(tls.servername ? { servername: tls.servername } : {}),
          },
        }
      : {}),
  };
}
