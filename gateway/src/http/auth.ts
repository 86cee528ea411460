import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpConfig, HttpRole } from '@lifeline/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerFromProtocols } from './browser-safety.js';
import { REQUIRED_ROLE } from './error-responses.js';
import { HttpError } from './http-error.js';

/** Who is calling: a token's user and role, or the anonymous viewer. */
export interface Principal {
  readonly user: string;
  readonly role: HttpRole | 'none';
  /** False for a request without a token: it gets 401 (not 403) where its role falls short. */
  readonly authenticated: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** Roles nest (DESIGN.md §4): an operator may do what a viewer may, an admin everything. */
const RANK: Record<HttpRole | 'none', number> = { none: 0, viewer: 1, operator: 2, admin: 3 };

/**
 * Resolves bearer tokens to principals. Tokens are compared as SHA-256
 * digests with timingSafeEqual, so neither length nor prefix leaks through
 * response timing, and the secrets themselves are never kept in a log.
 */
export class TokenAuthority {
  readonly #tokens: { digest: Buffer; user: string; role: HttpRole }[];
  readonly #anonymous: Principal;

  constructor(http: Pick<HttpConfig, 'tokens' | 'anonymous'>) {
    this.#tokens = http.tokens.map((t) => ({ digest: digest(t.token), user: t.user, role: t.role }));
    this.#anonymous = { user: 'anonymous', role: http.anonymous === 'viewer' ? 'viewer' : 'none', authenticated: false };
  }

  /** The principal for a presented token; undefined when the token is unknown. */
  resolve(token: string | undefined): Principal | undefined {
    if (token === undefined) return this.#anonymous;
    const presented = digest(token);
    let found: Principal | undefined;
    // Compare against every token, matched or not, so timing says nothing about which one matched.
    for (const t of this.#tokens) if (timingSafeEqual(presented, t.digest)) found = { user: t.user, role: t.role, authenticated: true };
    return found;
  }

  /** The fastify onRequest hook: sets `request.principal`, or answers 401 for an unknown token. */
  readonly identify = async (request: FastifyRequest): Promise<void> => {
    const principal = this.resolve(bearerOf(request));
    if (!principal) throw new HttpError(401, 'LL_ERR_HTTP_UNAUTHORIZED', [`${request.method} ${request.routeOptions.url ?? ''}`]);
    request.principal = principal;
  };
}

/**
 * A preHandler that lets through only principals of `role` or higher. It is
 * tagged with the role so the OpenAPI document can declare its 401/403.
 */
export function requireRole(role: HttpRole, action: string) {
  const check = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const p = request.principal;
    if (RANK[p.role] >= RANK[role]) return;
    if (!p.authenticated) throw new HttpError(401, 'LL_ERR_HTTP_UNAUTHORIZED', [action]);
    throw new HttpError(403, 'LL_ERR_HTTP_FORBIDDEN', [p.user, p.role, action, role]);
  };
  return Object.assign(check, { [REQUIRED_ROLE]: role });
}

/**
 * `Authorization: Bearer …`; on the WebSocket, which browsers cannot give
 * headers, a `lifeline.bearer.<base64url>` subprotocol. Never a `?token=`:
 * URLs land in access and proxy logs.
 */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match ? (match[1] as string).trim() : header;
  }
  return request.url.startsWith('/ws') ? bearerFromProtocols(request.headers['sec-websocket-protocol']) : undefined;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
