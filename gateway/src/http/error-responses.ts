import type { HttpRole } from '@lifeline/core';
import type { RouteOptions } from 'fastify';

/**
 * The error answers each route declares in the OpenAPI document, derived from
 * what the route carries rather than listed by hand, so the document cannot
 * drift from the behaviour: the global token hook answers 401 on any route,
 * `requireRole` above viewer 403, a schema'd input 400 (and a body 413/415,
 * fastify's content-type parser), a rate-limited route 429, the error handler
 * 500. Route-specific answers (404, 409, 503) stay in each route's schema.
 */

/** Every status an error body comes with (docs/http-api.md "answer" table). */
export const ERROR_STATUSES = {
  400: 'a body, query or parameter that fails its schema (LL_ERR_HTTP_BAD_REQUEST, with field and reason)',
  401: 'no token where one is needed, or a token the gateway does not know (LL_ERR_HTTP_UNAUTHORIZED)',
  403: 'a valid token whose role is too low (LL_ERR_HTTP_FORBIDDEN)',
  404: 'a device, point or alarm the site does not have (LL_ERR_HTTP_NOT_FOUND)',
  409: "the alarm engine refused the command for the alarm's state (LL_ERR_HTTP_REFUSED)",
  413: 'a body larger than the server accepts (LL_ERR_HTTP_BAD_REQUEST)',
  415: 'a body that is not application/json (LL_ERR_HTTP_BAD_REQUEST)',
  429: 'more writes than http.writeRateLimit (LL_ERR_HTTP_RATE_LIMITED; retry-after says when)',
  500: 'an internal error; the gateway log has the cause (LL_ERR_HTTP_INTERNAL)',
  503: 'the subsystem behind the route is not wired into this gateway (LL_ERR_HTTP_UNAVAILABLE)',
} as const;

export type ErrorStatus = keyof typeof ERROR_STATUSES;

/** Response schemas for `statuses`, each the one error body. */
export function errorResponses(...statuses: ErrorStatus[]): Record<number, { $ref: string; description: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'ErrorBody#', description: ERROR_STATUSES[s] }]));
}

/** The role a `requireRole` preHandler asks for, so the OpenAPI hook can tell 403 routes apart. */
export const REQUIRED_ROLE = Symbol('lifeline.requiredRole');

type Handler = { [REQUIRED_ROLE]?: HttpRole };

function requiredRole(route: RouteOptions): HttpRole | undefined {
  const pre = route.preHandler;
  const list = (Array.isArray(pre) ? pre : pre ? [pre] : []) as Handler[];
  return list.map((h) => h[REQUIRED_ROLE]).find((r) => r !== undefined);
}

/** The statuses a route can answer with because of what it carries (see the file comment). */
export function implicitErrorStatuses(route: RouteOptions): ErrorStatus[] {
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const config = (route.config ?? {}) as { rateLimit?: unknown };
  const role = requiredRole(route);
  const statuses: ErrorStatus[] = [401];
  if (role !== undefined && role !== 'viewer') statuses.push(403);
  if (schema.body || schema.querystring || schema.params) statuses.push(400);
  if (schema.body) statuses.push(413, 415);
  if (config.rateLimit) statuses.push(429);
  statuses.push(500);
  return statuses;
}

/** The onRoute hook: adds the implicit error answers a route's schema does not already declare. */
export function declareImplicitErrors(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as { hide?: boolean; response?: Record<string, unknown> };
  if (schema.hide) return;
  const response = { ...errorResponses(...implicitErrorStatuses(route)), ...(schema.response ?? {}) };
  route.schema = { ...schema, response };
}
