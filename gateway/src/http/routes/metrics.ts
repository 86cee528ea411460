import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';

/** `/metrics` in the Prometheus text format (viewer: Prometheus sends a bearer token when reads need one). */
export function metricsRoutes(metrics: GatewayMetrics) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/metrics',
      {
        preHandler: requireRole('viewer', 'scrape metrics'),
        schema: {
          tags: ['status'],
          operationId: 'getMetrics',
          summary: 'Prometheus metrics (docs/http-api.md lists them)',
          produces: ['text/plain'],
        },
      },
      async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.render()),
    );
  };
}
