import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { declareImplicitErrors } from './error-responses.js';
import type { GatewayView } from './gateway-view.js';
import { ErrorBodySchema } from './http-error.js';
import { PointValueSchema } from './routes/points.js';

/**
 * OpenAPI 3 from the route schemas (@fastify/swagger), browsable at `/docs`
 * and as JSON at `/docs/json`. Swagger UI's assets ship in the npm package,
 * so the page works with no internet. Every operation has an operationId and
 * declares its error answers (error-responses.ts adds those a route implies).
 */
export async function installOpenApi(app: FastifyInstance, view: GatewayView): Promise<void> {
  app.addSchema(ErrorBodySchema);
  app.addSchema(PointValueSchema);
  // Before swagger's own onRoute hook, which keeps the route options it sees.
  app.addHook('onRoute', declareImplicitErrors);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Lifeline gateway HTTP API',
        version: view.version,
        description:
          'Roles nest viewer < operator < admin. Send `Authorization: Bearer <token>`. Reads are open unless `http.anonymous: none`; ack, shelve and unshelve need operator; limit changes need admin. Errors carry a code (docs/errors.md), and 400s the `field` and `reason`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'status', description: 'health, twin, outbox, metrics' },
        { name: 'devices' },
        { name: 'points' },
        { name: 'alarms' },
        { name: 'limits' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
}
