import { readFile } from 'node:fs/promises';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/** twin/package.json, from src/centre and dist/centre alike. */
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** Where the document is served. */
export const OPENAPI_PATH = '/api/openapi.json';

/**
 * The centre's OpenAPI 3.1 document from its route schemas
 * (centre-api-schemas.ts), at `/api/openapi.json`. Registered before the
 * routes: @fastify/swagger collects them as they are declared.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  const { version } = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string };
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lifeline centre HTTP API',
        version,
        description:
          'docs/centre.md. Reads are open; every POST needs `Authorization: Bearer <token>` when the centre has --token or --operators, and is recorded under that operator. Errors use the one HTTP error body (docs/errors.md). The live feed is the WebSocket `/ws` (not an HTTP operation): `{type: hello, twins}`, then every twin, alarm and status change any instance stores.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      tags: [
        { name: 'status' },
        { name: 'twins' },
        { name: 'alarms' },
        { name: 'commands', description: 'to the gateway, answered by it' },
        { name: 'operators' },
        { name: 'console' },
      ],
    },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
