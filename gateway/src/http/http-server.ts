import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayView } from './gateway-view.js';
import { apiRoutes } from './routes/api.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { liveRoutes } from './routes/live.js';

/** Builds the gateway's fastify app (not listening), so tests can use `app.inject()`. */
export async function buildHttpServer(view: GatewayView, log: Logger): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger });
  await app.register(websocket);
  await app.register(apiRoutes(view));
  await app.register(liveRoutes(view));
  await app.register(dashboardRoutes);
  return app;
}
