import { isIP } from 'node:net';
import { coreError } from '../errors/core-errors.js';

/** Addresses that only this machine can reach (RFC 1122 §3.2.1.3 127/8, RFC 4291 ::1). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '[::1]') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Where a person reaches a listener: a wildcard bind as localhost, a specific one at its own address. */
export function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

export interface Exposure {
  /** What listens, for the error and the warning: "HTTP API", "local MQTT broker". */
  readonly what: string;
  readonly host: string;
  /** Whether every client must authenticate before it can read or change anything. */
  readonly authenticated: boolean;
  /** The explicit, loudly warned opt-out (`allowInsecure: true` in the config). */
  readonly allowInsecure: boolean;
  /** Where to set what is missing, for the hint. */
  readonly configKey: string;
}

/**
 * The locked-down default (docs/security.md): a listener off loopback without
 * authentication is refused with LL_ERR_INSECURE_LISTENER, unless the site
 * opts out; then it is allowed and the answer is the warning to log at every start.
 */
export function checkExposure(e: Exposure): { readonly warning?: string } {
  if (isLoopbackHost(e.host) || e.authenticated) return {};
  if (!e.allowInsecure) throw coreError('LL_ERR_INSECURE_LISTENER', e.what, e.host, e.configKey);
  return {
    warning: `${e.what} listens on ${e.host} WITHOUT authentication (${e.configKey}.allowInsecure: true): anyone on this network can use it`,
  };
}
