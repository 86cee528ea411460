import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import Fastify from 'fastify';
import { declareImplicitErrors } from './error-responses.js';
import type { GatewayView } from './gateway-view.js';
import { ErrorBodySchema } from './http-error.js';
import { PointValueSchema } from './routes/points.js';

const DOCS = '/docs';

/** Route options the document needs: what swagger reads, never the handlers. */
type DocumentedRoute = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>;

/**
 * OpenAPI 3 from the route schemas (@fastify/swagger), browsable at `/docs`
 * and as JSON at `/docs/json`. Swagger UI's assets ship in the npm package,
 * so the page works with no internet. Every operation has an operationId and
 * declares its error answers (error-responses.ts adds those a route implies).
 *
 * The two swagger packages are loaded only when `/docs` is first opened (a
 * site that never opens it does not pay their memory, docs/BENCHMARKS.md):
 * the gateway records each route's schema as it is declared, and the first
 * request to `/docs…` builds a document-only fastify instance with swagger,
 * its UI and those routes (handlers that never run), to which every `/docs…`
 * request is then handed over in-process (`inject`). Requests pass the
 * gateway's own hooks (token, logging) first, as before.
 */
export async function installOpenApi(app: FastifyInstance, view: GatewayView): Promise<void> {
  app.addSchema(ErrorBodySchema);
  app.addSchema(PointValueSchema);
  // Before the recording hook below, so the document sees the implied error answers.
  app.addHook('onRoute', declareImplicitErrors);
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method === 'HEAD' || route.url.startsWith(DOCS)) return;
    routes.push({ method: route.method, url: route.url, schema: route.schema, config: route.config });
  });
  let docs: Promise<FastifyInstance> | undefined;
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    docs ??= documentApp(view, routes);
    const answer = await (await docs).inject({ method: 'GET', url: request.url, headers: { accept: request.headers.accept ?? '*/*' } });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.get(DOCS, { schema: { hide: true } }, forward);
  app.get(`${DOCS}/*`, { schema: { hide: true } }, forward);
}

/** Headers fastify sets itself for the forwarded answer. */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'date', 'keep-alive']);

async function documentApp(view: GatewayView, routes: readonly DocumentedRoute[]): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')]);
  const docs = Fastify({ logger: false });
  // Its routes only describe; their handlers never run, so nothing is validated or serialised with their schemas.
  docs.setValidatorCompiler(() => () => true);
  docs.setSerializerCompiler(() => (data) => JSON.stringify(data));
  docs.addSchema(ErrorBodySchema);
  docs.addSchema(PointValueSchema);
  await docs.register(swagger, {
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
  await docs.register(swaggerUi, { routePrefix: DOCS, uiConfig: { docExpansion: 'list' } });
  await docs.register(async (scope) => {
    for (const route of routes) scope.route({ ...route, handler: async () => undefined } as RouteOptions);
  });
  await docs.ready();
  return docs;
}
