import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { requireRole } from '../auth.js';
import { requireOwnOrigin } from '../browser-safety.js';
import type { GatewayView } from '../gateway-view.js';
import { forwardLive, type LiveMessage } from '../live-message.js';

/** 1013 "Try Again Later" (IANA WebSocket close code registry, RFC 6455 §11.7). */
const CLOSE_FULL = 1013;

/**
 * `/ws`: a snapshot on connect, then every reading, alarm and comm change as
 * it happens. Browsers cannot send headers on a WebSocket, so a token comes as
 * a subprotocol (auth.ts bearerOf); a page of another origin is refused first.
 *
 * Bounded per client and in all (issue 18): at most `http.live.maxClients`
 * sockets; a client that does not read has its queue capped — above half of
 * `maxBufferedBytes` readings are dropped (the next ones supersede them; the
 * few alarm and comm messages still go), above all of it it is closed.
 */
export function liveRoutes(view: GatewayView) {
  const { maxClients, maxBufferedBytes } = view.config.http.live;
  const open = new Set<WebSocket>();
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onClose', async () => {
      for (const socket of open) socket.terminate();
    });
    const preHandler = [requireOwnOrigin(view.config.http.allowedOrigins), requireRole('viewer', 'watch live values')];
    app.get('/ws', { websocket: true, preHandler, schema: { hide: true } }, (socket) => {
      if (open.size >= maxClients) {
        socket.close(CLOSE_FULL, `at most ${maxClients} live clients`);
        return;
      }
      open.add(socket);
      socket.send(JSON.stringify(snapshotOf(view)));
      // One subscriber of the bus per socket, mapping its events to the wire format.
      const stop = forwardLive(view.events, (message) => {
        if (socket.readyState !== socket.OPEN) return;
        const verdict = backpressure(socket.bufferedAmount, maxBufferedBytes, message);
        // A close frame would queue behind what the client does not read: drop the TCP connection.
        if (verdict === 'close') socket.terminate();
        else if (verdict === 'send') socket.send(JSON.stringify(message));
      });
      socket.on('close', () => {
        stop();
        open.delete(socket);
      });
    });
  };
}

/** What to do with one message for a client with `buffered` bytes still queued (pure). */
export function backpressure(buffered: number, max: number, message: LiveMessage): 'send' | 'drop' | 'close' {
  if (buffered >= max) return 'close';
  if (buffered >= max / 2 && message.type === 'readings') return 'drop';
  return 'send';
}

function snapshotOf(view: GatewayView) {
  const alarms = view.activeAlarms();
  return {
    type: 'snapshot',
    site: view.config.site,
    gateway: view.config.gateway,
    version: view.version,
    // Names per language (issue 23) and the profile's, so the dashboard can title a device page in Chinese.
    devices: view.config.devices.map((d) => ({
      id: d.id,
      name: d.name,
      ...(d.names ? { names: d.names } : {}),
      kind: d.profile.kind,
      profile: { id: d.profile.id, name: d.profile.name, ...(d.profile.names ? { names: d.profile.names } : {}) },
      comm: view.live.comm(d.id),
    })),
    points: view.config.devices.flatMap((d) =>
      d.points.map((p) => ({
        device: d.id,
        point: p.id,
        name: p.name,
        ...(p.names ? { names: p.names } : {}),
        unit: p.unit,
        writable: p.writable,
        limits: p.limits,
      })),
    ),
    readings: view.live.readings(),
    alarms,
    // Raise time and value, who acked or shelved and why: from the journal, so a reload or a restart keeps them.
    facts: view.alarmJournalQuery?.facts(alarms.map((a) => a.alarmId)) ?? {},
    policy: { shelveCommentUpTo: view.config.alarms.shelveCommentUpTo },
  };
}
