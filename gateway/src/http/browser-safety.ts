import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * The dashboard's Content-Security-Policy: only its own files (no inline
 * script or style: dashboards/web has none), its own API and WebSocket, never
 * framed (clickjacking on the ack button), no base or form tricks.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The WebSocket subprotocol of the live feed; a token rides beside it as `lifeline.bearer.<base64url>`. */
export const LIVE_PROTOCOL = 'lifeline.v1';
const BEARER_PROTOCOL = 'lifeline.bearer.';

/**
 * A bearer token offered in `Sec-WebSocket-Protocol` (RFC 6455 §4.1): a
 * browser cannot set headers on a WebSocket, and a token in the URL would land
 * in proxy and access logs. Undefined when none is offered.
 */
export function bearerFromProtocols(header: string | undefined): string | undefined {
  const offered = (header ?? '').split(',').map((p) => p.trim());
  const entry = offered.find((p) => p.startsWith(BEARER_PROTOCOL));
  return entry === undefined ? undefined : Buffer.from(entry.slice(BEARER_PROTOCOL.length), 'base64url').toString('utf8');
}

/** The subprotocol the server answers with: never the bearer entry (it would echo the secret). */
export function selectProtocol(offered: Set<string>): string | false {
  return offered.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false;
}

/**
 * Cross-site WebSocket hijacking guard (RFC 6455 §10.2): a browser sends the
 * page's Origin with the handshake, and any page the technician opens could
 * otherwise read the live values with the browser's reach. Allowed: the
 * dashboard's own origin (the Host it was asked for) and `allowedOrigins`.
 * No Origin at all is a non-browser client, held to its token instead.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host.toLowerCase()) return true;
  return allowed.some((a) => a.toLowerCase() === parsed.origin);
}

/** A preHandler for `/ws` refusing a foreign page with 403 LL_ERR_HTTP_ORIGIN. */
export function requireOwnOrigin(allowed: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const origin = request.headers.origin;
    if (!originAllowed(origin, request.headers.host, allowed)) throw new HttpError(403, 'LL_ERR_HTTP_ORIGIN', [origin]);
  };
}

/** Headers on every answer: no MIME sniffing (a JSON value rendered as HTML), no Referer leaking the page. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
}
