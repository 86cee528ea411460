import websocket from '@fastify/websocket';
import { errorBody } from '@lifeline/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { COMMAND_NAMES, type CommandName } from '../twin-messages.js';
import { commandSchema, ROUTE_SCHEMAS } from './centre-api-schemas.js';
import { CentreError } from './centre-errors.js';
import { consoleRoutes } from './console-routes.js';
import { journalRoutes } from './journal-routes.js';
import type { MirrorService } from './mirror-service.js';
import { installOpenApi } from './openapi.js';
import { type Operators, operatorOf } from './operators.js';

export interface CentreHttpOptions {
  readonly log: Logger;
  /** When set, every POST needs `Authorization: Bearer <token>` (the operator `centre`). */
  readonly token?: string;
  /** token → operator: the console's logins; each write is recorded under its operator. */
  readonly operators?: Operators;
}

type GatewayParams = { site: string; gateway: string };
type Body = Record<string, unknown>;

/**
 * The centre's HTTP API and WebSocket feed (docs/centre.md): everything is
 * read from the store, so every instance answers the same; desired changes
 * and commands go to the gateway and return its own answer.
 */
export async function buildCentreHttp(service: MirrorService, options: CentreHttpOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.log as FastifyBaseLogger });
  await installOpenApi(app);
  await app.register(websocket);
  const store = service.store;
  const operators = new Map(options.operators ?? []);
  if (options.token !== undefined) operators.set(options.token, 'centre');

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(new CentreError('LL_ERR_CENTRE_NO_ROUTE', req.method, req.url.split('?')[0]))),
  );
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof CentreError) return reply.code(err.status || 500).send(errorBody(err, err.status || 500));
    // Fastify's own answers (schema, JSON, media type): its status, in the one body.
    const status = err.statusCode ?? 500;
    return reply.code(status).send(errorBody(new CentreError('LL_ERR_CENTRE_BAD_REQUEST', err.message), status));
  });

  /** The operator a write is recorded under: the token's owner; with no tokens configured, whoever the body names. */
  const operator = (req: FastifyRequest): string => {
    if (operators.size === 0) return nameIn(req.body) ?? 'anonymous';
    const user = operatorOf(operators, req.headers.authorization);
    if (user === undefined) throw new CentreError('LL_ERR_CENTRE_UNAUTHORISED');
    return user;
  };

  app.get('/api/health', { schema: ROUTE_SCHEMAS.health }, async () => ({
    broker: service.connected ? 'connected' : 'disconnected',
    gateways: (await store.gateways()).length,
  }));
  app.get('/api/whoami', { schema: ROUTE_SCHEMAS.whoami }, async (req) => ({ user: operator(req) }));
  app.get('/api/twins', { schema: ROUTE_SCHEMAS.twins }, async () => store.gateways());
  app.get<{ Params: GatewayParams }>('/api/twins/:site/:gateway', { schema: ROUTE_SCHEMAS.twin }, async (req) => {
    const twin = await store.twin(req.params.site, req.params.gateway);
    if (!twin) throw new CentreError('LL_ERR_CENTRE_UNKNOWN_GATEWAY', req.params.site, req.params.gateway);
    return { site: req.params.site, gateway: req.params.gateway, ...twin };
  });
  app.get<{ Params: GatewayParams }>('/api/twins/:site/:gateway/status-history', { schema: ROUTE_SCHEMAS.statusHistory }, async (req) =>
    store.statusHistory(req.params.site, req.params.gateway),
  );
  app.get('/api/alarms', { schema: ROUTE_SCHEMAS.alarms }, async () => store.activeAlarms());
  await journalRoutes(app, store);

  app.post<{ Params: GatewayParams; Body: Body }>(
    '/api/twins/:site/:gateway/desired',
    { schema: ROUTE_SCHEMAS.desired },
    async (req, reply) => {
      const user = operator(req);
      const result = await service.sendDesired(req.params.site, req.params.gateway, withOperator(req.body, user, operators), user);
      return reply.code(result.status === 'accepted' ? 200 : 422).send(result);
    },
  );
  for (const name of COMMAND_NAMES) {
    app.post<{ Params: GatewayParams; Body: Body | undefined }>(
      `/api/twins/:site/:gateway/${name}`,
      { schema: commandSchema(name) },
      async (req, reply) => sendCommand(req, reply, name),
    );
  }

  async function sendCommand(
    req: FastifyRequest<{ Params: GatewayParams; Body: Body | undefined }>,
    reply: FastifyReply,
    name: CommandName,
  ) {
    const user = operator(req);
    const body = req.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body))
      throw new CentreError('LL_ERR_CENTRE_BAD_REQUEST', 'the body must be a JSON object');
    // resync carries no operator (its schema has none); ack and shelve are recorded under the one who signed in.
    const sent = name === 'resync' ? body : withOperator(body, user, operators);
    const result = await service.sendCommand(req.params.site, req.params.gateway, name, sent, user);
    return reply.code(result.ok ? 200 : 422).send(result);
  }

  // The feed: one `hello` with the fleet, then every change any instance stores.
  app.get('/ws', { websocket: true }, (socket) => {
    void store.gateways().then((twins) => socket.send(JSON.stringify({ type: 'hello', twins })));
    const unwatch = store.watch((change) => socket.send(JSON.stringify(change)));
    socket.on('close', unwatch);
  });
  await consoleRoutes(app);
  return app;
}

function nameIn(body: unknown): string | undefined {
  const user = (body as { by?: { user?: unknown } } | undefined)?.by?.user;
  return typeof user === 'string' ? user : undefined;
}

/** With logins, `by.user` is the signed-in operator whatever the body says (DESIGN.md §4: it may not name another principal). */
function withOperator(body: Body, user: string, operators: Operators): Body {
  if (operators.size === 0) return body;
  const by = typeof body.by === 'object' && body.by !== null ? (body.by as Body) : {};
  return { ...body, by: { ...by, user } };
}
