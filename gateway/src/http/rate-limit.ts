import rateLimit from '@fastify/rate-limit';
import type { HttpConfig } from '@lifeline/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

/** The per-route rate limit every write route carries (`config.rateLimit`). */
export interface WriteLimit {
  readonly max: number;
  readonly timeWindow: number;
}

export function writeLimitOf(http: HttpConfig): WriteLimit {
  return { max: http.writeRateLimit.max, timeWindow: http.writeRateLimit.windowMs };
}

/**
 * Registers @fastify/rate-limit for write routes only (reads stay unlimited:
 * the dashboard polls them). Callers are counted per token user, or per
 * address when anonymous, so one noisy client cannot lock out an operator.
 */
export async function installRateLimit(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request: FastifyRequest) => (request.principal?.authenticated ? `user:${request.principal.user}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => new HttpError(429, 'LL_ERR_HTTP_RATE_LIMITED', [context.max, context.ttl]),
  });
}
