import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth.js';
import type { GatewayView } from '../gateway-view.js';
import { forwardLive } from '../live-message.js';

/**
 * What one socket may have queued unsent. A dashboard that reads slower than
 * the gateway writes (10k readings/s at 10k points) is closed with 1013 (try
 * again later) past this, instead of queueing without bound in the gateway's
 * memory; the dashboard reconnects and starts from a fresh snapshot.
 */
export const LIVE_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * `/ws`: a snapshot on connect, then every reading, alarm and comm change as
 * it happens. Browsers cannot send headers on a WebSocket, so a token may come
 * as `?token=` (redacted from logs).
 */
export function liveRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/ws', { websocket: true, preHandler: requireRole('viewer', 'watch live values'), schema: { hide: true } }, (socket) => {
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
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > LIVE_MAX_BUFFERED_BYTES) {
          stop();
          socket.close(1013, 'reading too slowly: reconnect for a fresh snapshot');
          return;
        }
        socket.send(JSON.stringify(message));
      });
      socket.on('close', stop);
    });
  };
}
