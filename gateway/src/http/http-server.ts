import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type Principal, TokenAuthority } from './auth.js';
import { installSecurityHeaders, selectProtocol } from './browser-safety.js';
import { clockOf, type GatewayView } from './gateway-view.js';
import type { HistorySource } from './history/history-source.js';
import { TrendHistory } from './history/trend-history.js';
import { installErrorHandler } from './http-error.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { installOpenApi } from './openapi.js';
import { installRateLimit, writeLimitOf } from './rate-limit.js';
import { alarmRoutes } from './routes/alarms.js';
import { analyticsRoutes } from './routes/analytics.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { deviceRoutes } from './routes/devices.js';
import { healthRoutes } from './routes/health.js';
import { journalRoutes } from './routes/journal.js';
import { limitRoutes } from './routes/limits.js';
import { liveRoutes } from './routes/live.js';
import { metricsRoutes } from './routes/metrics.js';
import { pointRoutes } from './routes/points.js';
import { statusRoutes } from './routes/status.js';
import { installValidation } from './validation.js';

/** The largest message a /ws client may send (it has nothing to say): larger closes it with 1009. */
const LIVE_MAX_CLIENT_MESSAGE_BYTES = 4096;

/**
 * Builds the gateway's fastify app (not listening), so tests can use
 * `app.inject()`: auth first, then OpenAPI (it must see every route), the
 * rate limiter, and one plugin per area.
 */
export async function buildHttpServer(
  view: GatewayView,
  log: Logger,
  tls?: { readonly key: Buffer; readonly cert: Buffer },
): Promise<FastifyInstance> {
  // With `tls` the server speaks HTTPS only (http.tls): a plain request fails its handshake.
  const app = Fastify({
    // Every route's body is small; fastify answers 413 before parsing a larger one (issue 18).
    bodyLimit: view.config.http.maxBodyBytes,
    loggerInstance: log.child({ component: 'http' }, { serializers: { req: requestForLog } }) as FastifyBaseLogger,
    ...(tls ? { https: { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' as const } } : {}),
  }) as unknown as FastifyInstance;
  const detach: (() => void)[] = [];
  let history: HistorySource | undefined = view.history;
  if (!history) {
    const trends = new TrendHistory({
      capacity: view.config.http.historyPerPoint,
      now: () => clockOf(view).now(),
      durable: view.durableHistory,
    });
    detach.push(trends.attach(view.events));
    history = trends;
  }
  const metrics = new GatewayMetrics(view);
  detach.push(() => metrics.close());
  app.addHook('onClose', async () => {
    for (const d of detach.splice(0)) d();
  });

  installErrorHandler(app);
  installValidation(app);
  installSecurityHeaders(app);
  app.decorateRequest('principal', null as unknown as Principal);
  // A refused upgrade (401, 403, 429 from a hook that runs before @fastify/websocket's own)
  // is answered on the raw socket Node handed to its 'upgrade' listener: no HTTP parser owns
  // that socket any more, so nothing closed it and it sat in CLOSE-WAIT until fds ran out (issue 18).
  app.addHook('onResponse', async (request) => {
    // Node sets `upgrade` on requests it emits as 'upgrade' (its typings omit the field).
    if ((request.raw as { upgrade?: boolean }).upgrade === true) request.raw.socket.destroy();
  });
  app.addHook('onRequest', new TokenAuthority(view.config.http).identify);
  await installOpenApi(app, view);
  await installRateLimit(app);
  // /ws only sends; a client message is never read, so ws must not buffer up to its 100 MiB default (1009 beyond).
  await app.register(websocket, { options: { maxPayload: LIVE_MAX_CLIENT_MESSAGE_BYTES, handleProtocols: selectProtocol } });
  const writeLimit = writeLimitOf(view.config.http);
  await app.register(healthRoutes(view));
  await app.register(deviceRoutes(view));
  await app.register(pointRoutes(view, history));
  await app.register(alarmRoutes(view, writeLimit));
  await app.register(journalRoutes(view));
  await app.register(analyticsRoutes(view));
  await app.register(limitRoutes(view, writeLimit));
  await app.register(statusRoutes(view));
  await app.register(metricsRoutes(metrics));
  await app.register(liveRoutes(view));
  await app.register(dashboardRoutes);
  return app;
}

/** What a request looks like in the log: never its token (a `?token=` on /ws is cut). */
function requestForLog(req: { method?: string; url?: string; ip?: string }) {
  return { method: req.method, url: req.url?.replace(/([?&]token=)[^&]*/g, '$1[redacted]'), remoteAddress: req.ip };
}
