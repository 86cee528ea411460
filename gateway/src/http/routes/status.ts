import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import type { GatewayView } from '../gateway-view.js';
import { HttpError } from '../http-error.js';

/** `/api/twin` and `/api/outbox`: views onto subsystems the integrator wires in (503 until then). */
export function statusRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/twin',
      {
        preHandler: requireRole('viewer', 'read the twin'),
        schema: {
          tags: ['status'],
          operationId: 'getTwin',
          summary: 'The reported twin document (as published on the twin topic)',
          response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(503) },
        },
      },
      async () => {
        if (!view.twin) throw new HttpError(503, 'LL_ERR_HTTP_UNAVAILABLE', ['the twin']);
        return view.twin.reported();
      },
    );

    app.get(
      '/api/outbox',
      {
        preHandler: requireRole('viewer', 'read outbox health'),
        schema: {
          tags: ['status'],
          operationId: 'getOutbox',
          summary: 'Outbox depth per lane, per-sink backlog, cursors and link state, and dropped telemetry',
          response: {
            200: {
              type: 'object',
              properties: {
                lanes: { type: 'object', additionalProperties: { type: 'object', properties: { depth: { type: 'integer' } } } },
                sinks: {
                  type: 'object',
                  additionalProperties: {
                    type: 'object',
                    properties: {
                      pending: { type: 'integer' },
                      connected: { type: 'boolean' },
                      lastError: { type: 'object', additionalProperties: true },
                      rejected: { type: 'object', additionalProperties: { type: 'integer' } },
                      lanes: {
                        type: 'object',
                        additionalProperties: { type: 'object', properties: { pending: { type: 'integer' }, cursor: { type: 'integer' } } },
                      },
                    },
                  },
                },
                dropped: { type: 'integer' },
              },
            },
            ...errorResponses(503),
          },
        },
      },
      async () => {
        if (!view.outbox) throw new HttpError(503, 'LL_ERR_HTTP_UNAVAILABLE', ['the outbox']);
        return view.outbox.stats();
      },
    );
  };
}
