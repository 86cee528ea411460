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

/** The shape of every error answer, in the OpenAPI document too. */
export const ErrorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'LL_ERR_HTTP_* (docs/errors.md)' },
    message: { type: 'string' },
    hint: { type: 'string' },
    field: { type: 'string', description: 'for 400: the offending field, as a JSON pointer without the leading slash' },
    reason: { type: 'string', description: 'for 400 and 409: why it was refused' },
    reasons: { type: 'array', items: { type: 'string' }, description: 'for a refused limit change: every reason' },
    engineCode: { type: 'string', description: "for 409: the alarm engine's own code" },
  },
  required: ['statusCode', 'code', 'message'],
} as const;

/**
 * One error handler for the whole API: schema failures become 400 naming the
 * field and the reason; coded errors keep their code and hint; anything else
 * is a logged 500 that reveals nothing internal.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send(body(error.statusCode, error.code, error.message, error.hint, error.details));
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
      return reply.status(400).send(body(400, e.code, e.message, e.hint, e.details));
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      // Fastify's own client errors (e.g. malformed JSON, unsupported media type).
      const e = new HttpError(error.statusCode, 'LL_ERR_HTTP_BAD_REQUEST', ['body', error.message], {
        field: 'body',
        reason: error.message,
      });
      return reply.status(error.statusCode).send(body(error.statusCode, e.code, e.message, e.hint, e.details));
    }
    request.log.error({ err: error }, 'unhandled error in HTTP route');
    const e = new HttpError(500, 'LL_ERR_HTTP_INTERNAL', [`${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`]);
    return reply.status(500).send(body(500, e.code, e.message, e.hint, {}));
  });
}

function body(statusCode: number, code: string, message: string, hint: string, details: Readonly<Record<string, unknown>>) {
  return { statusCode, code, message, hint, ...details };
}
