import type { FastifyInstance } from 'fastify';
import type { DeviceHealth } from '../../acquisition/device-health.js';
import { describeTransport } from '../../config/index.js';
import type { GatewayView } from '../gateway-view.js';

/** The read-only API of this slice: health, devices, points, alarms, outbox. */
export function apiRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/health', async () => ({
      status: 'ok',
      site: view.config.site,
      gateway: view.config.gateway,
      bootId: view.bootId,
      version: view.version,
      uptimeS: Math.round((Date.now() - view.startedAt) / 1000),
      uplinks: view.uplinks(),
      devices: Object.fromEntries(view.config.devices.map((d) => [d.id, view.live.comm(d.id).state])),
    }));

    app.get('/api/devices', async () => {
      const health = new Map((view.deviceHealth?.() ?? []).map((h) => [h.device, h]));
      return view.config.devices.map((d) => ({
        id: d.id,
        name: d.name,
        profile: d.profile.id,
        kind: d.profile.kind,
        transport: describeTransport(d),
        pollIntervalMs: d.pollIntervalMs,
        comm: view.live.comm(d.id),
        ...commHealth(health.get(d.id)),
      }));
    });

    app.get('/api/points', async () => {
      const latest = new Map(view.live.readings().map((r) => [`${r.device}/${r.point}`, r]));
      return view.config.devices.flatMap((d) =>
        d.points.map((p) => {
          const r = latest.get(`${d.id}/${p.id}`);
          return {
            device: d.id,
            point: p.id,
            name: p.name,
            unit: p.unit,
            writable: p.writable,
            limits: p.limits,
            value: r?.value ?? null,
            quality: r?.quality ?? 'uncertain',
            reason: r?.reason ?? (r ? undefined : 'no reading yet'),
            sourceTs: r ? new Date(r.sourceTs).toISOString() : null,
          };
        }),
      );
    });

    app.get('/api/alarms', async () => view.activeAlarms());

    // Depth per lane, where each sink stands, what the disk budget dropped (DESIGN.md §6).
    app.get('/api/outbox', async (_request, reply) => {
      if (!view.outbox) return reply.code(404).send({ error: 'this gateway has no outbox' });
      return view.outbox();
    });
  };
}

/** The acquisition health a device row shows: connection, breaker, counters and latency histogram. */
function commHealth(h: DeviceHealth | undefined) {
  if (!h) return {};
  return { connection: h.connection, breaker: h.breaker, counters: h.counters, latency: h.latency, lastSuccessTs: h.lastSuccessTs ?? null };
}
