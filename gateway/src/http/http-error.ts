import { errorBody } from '@lifeline/core';
import type { FastifyError, FastifyInstance } from 'fastify';
import { GATEWAY_ERRORS, type GatewayErrorCode, LifelineError } from '../errors.js';

/** A coded gateway error with the HTTP status it answers with and extra body fields (field, reason). */
export class HttpError extends LifelineError {
  readonly statusCode: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(statusCode: number, code: GatewayErrorCode, args: readonly unknown[], details: Record<string, unknown> = {}) {
    super(code, GATEWAY_ERRORS[code], args);
    this.statusCode = statusCode;
    this.details = details;
  }
}

/** The shape of every error answer, in the OpenAPI document too: the one body of gateway, simulator and centre. */
export { ErrorBodySchema } from '@lifeline/core';

/**
 * One error handler for the whole API: schema failures become 400 naming the
 * field and the reason; coded errors keep their code and hint; anything else
 * is a logged 500 that reveals nothing internal.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    const e = new HttpError(404, 'LL_ERR_HTTP_NO_ROUTE', [request.method, request.url.split('?')[0]]);
    return reply.status(404).send(errorBody(e, 404));
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send(errorBody(error, error.statusCode, error.details));
    }
    if (error.validation && error.validation.length > 0) {
      const first = error.validation[0] as { instancePath: string; message?: string; params: Record<string, unknown> };
      const where = error.validationContext ?? 'body';
      const missing = typeof first.params.missingProperty === 'string' ? first.params.missingProperty : undefined;
      const extra = typeof first.params.additionalProperty === 'string' ? first.params.additionalProperty : undefined;
      const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const field = [path, missing ?? extra].filter(Boolean).join('.') || where;
      const reason = extra ? 'is not allowed' : missing ? 'is required' : (first.message ?? 'is invalid');
      const e = new HttpError(400, 'LL_ERR_HTTP_BAD_REQUEST', [`${where}.${field}`, reason], { field, reason });
      return reply.status(400).send(errorBody(e, 400, e.details));
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      // Fastify's own client errors (e.g. malformed JSON, unsupported media type).
      const e = new HttpError(error.statusCode, 'LL_ERR_HTTP_BAD_REQUEST', ['body', error.message], {
        field: 'body',
        reason: error.message,
      });
      return reply.status(error.statusCode).send(errorBody(e, error.statusCode, e.details));
    }
    request.log.error({ err: error }, 'unhandled error in HTTP route');
    const e = new HttpError(500, 'LL_ERR_HTTP_INTERNAL', [`${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`]);
    return reply.status(500).send(errorBody(e, 500));
  });
}
