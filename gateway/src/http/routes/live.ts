import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth.js';
import { requireOwnOrigin } from '../browser-safety.js';
import type { GatewayView } from '../gateway-view.js';
import { forwardLive } from '../live-message.js';

/**
 * `/ws`: a snapshot on connect, then every reading, alarm and comm change as
 * it happens. Browsers cannot send headers on a WebSocket, so a token comes as
 * a subprotocol (auth.ts bearerOf); a page of another origin is refused first.
 */
export function liveRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    const preHandler = [requireOwnOrigin(view.config.http.allowedOrigins), requireRole('viewer', 'watch live values')];
    app.get('/ws', { websocket: true, preHandler, schema: { hide: true } }, (socket) => {
      socket.send(
        JSON.stringify({
          type: 'snapshot',
          site: view.config.site,
          gateway: view.config.gateway,
          version: view.version,
          devices: view.config.devices.map((d) => ({ id: d.id, name: d.name, kind: d.profile.kind, comm: view.live.comm(d.id) })),
          points: view.config.devices.flatMap((d) =>
            d.points.map((p) => ({ device: d.id, point: p.id, name: p.name, unit: p.unit, limits: p.limits })),
          ),
          readings: view.live.readings(),
          alarms: view.activeAlarms(),
        }),
      );
      // One subscriber of the bus per socket, mapping its events to the wire format.
      const stop = forwardLive(view.events, (message) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      });
      socket.on('close', stop);
    });
  };
}
