import websocket from '@fastify/websocket';
import { errorBody } from '@lifeline/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { COMMAND_NAMES, type CommandName } from '../twin-messages.js';
import { CentreError } from './centre-errors.js';
import type { MirrorService } from './mirror-service.js';

export interface CentreHttpOptions {
  readonly log: Logger;
  /** When set, every POST needs `Authorization: Bearer <token>`. */
  readonly token?: string;
}

type GatewayParams = { site: string; gateway: string };

/**
 * The mirror's HTTP API and WebSocket feed (docs/twin.md "Mirror API"):
 * read twins and the active alarm list of every site; send desired changes
 * and commands, each answered with the gateway's own result.
 */
export async function buildCentreHttp(service: MirrorService, options: CentreHttpOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.log as FastifyBaseLogger });
  await app.register(websocket);
  const mirror = service.mirror;

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(new CentreError('LL_ERR_CENTRE_NO_ROUTE', req.method, req.url.split('?')[0]))),
  );
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof CentreError) return reply.code(err.status || 500).send(errorBody(err, err.status || 500));
    // Fastify's own answers (schema, JSON, media type): its status, in the one body.
    const status = err.statusCode ?? 500;
    return reply.code(status).send(errorBody(new CentreError('LL_ERR_CENTRE_BAD_REQUEST', err.message), status));
  });

  const requireToken = async (req: FastifyRequest) => {
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      throw new CentreError('LL_ERR_CENTRE_UNAUTHORISED');
    }
  };

  app.get('/api/health', async () => ({ broker: service.connected ? 'connected' : 'disconnected', gateways: mirror.list().length }));
  app.get('/api/twins', async () => mirror.list());
  app.get<{ Params: GatewayParams }>('/api/twins/:site/:gateway', async (req) => {
    const twin = mirror.twin(req.params.site, req.params.gateway);
    if (!twin) throw new CentreError('LL_ERR_CENTRE_UNKNOWN_GATEWAY', req.params.site, req.params.gateway);
    return { site: req.params.site, gateway: req.params.gateway, ...twin };
  });
  app.get('/api/alarms', async () => mirror.activeAlarms());

  const objectBody = { type: 'object' } as const;
  app.post<{ Params: GatewayParams; Body: Record<string, unknown> }>(
    '/api/twins/:site/:gateway/desired',
    { schema: { body: objectBody }, preHandler: requireToken },
    async (req, reply) => {
      const result = await service.sendDesired(req.params.site, req.params.gateway, req.body);
      return reply.code(result.status === 'accepted' ? 200 : 422).send(result);
    },
  );
  for (const name of COMMAND_NAMES) {
    app.post<{ Params: GatewayParams; Body: Record<string, unknown> | undefined }>(
      `/api/twins/:site/:gateway/${name}`,
      { preHandler: requireToken },
      async (req, reply) => sendCommand(req, reply, name),
    );
  }

  async function sendCommand(
    req: FastifyRequest<{ Params: GatewayParams; Body: Record<string, unknown> | undefined }>,
    reply: FastifyReply,
    name: CommandName,
  ) {
    const body = req.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body))
      throw new CentreError('LL_ERR_CENTRE_BAD_REQUEST', 'the body must be a JSON object');
    const result = await service.sendCommand(req.params.site, req.params.gateway, name, body);
    return reply.code(result.ok ? 200 : 422).send(result);
  }

  // The feed: one `hello` with the fleet, then every mirror event as it happens.
  app.get('/ws', { websocket: true }, (socket) => {
    socket.send(JSON.stringify({ type: 'hello', twins: mirror.list() }));
    const forward = (e: unknown) => socket.send(JSON.stringify(e));
    mirror.on('event', forward);
    socket.on('close', () => mirror.off('event', forward));
  });
  return app;
}
