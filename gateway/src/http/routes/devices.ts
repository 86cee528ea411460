import { describeTransport } from '@lifeline/core';
import type { FastifyInstance } from 'fastify';
import type { DeviceHealth } from '../../acquisition/device-health.js';
import { requireRole } from '../auth.js';
import type { GatewayView } from '../gateway-view.js';

const CommSchema = {
  type: 'object',
  properties: { state: { type: 'string', description: 'connecting, online, degraded or offline' }, reason: { type: 'string' } },
} as const;

/** `/api/devices`: the site's devices with kind, transport, comm health and acquisition counters. */
export function deviceRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/devices',
      {
        preHandler: requireRole('viewer', 'list devices'),
        schema: {
          tags: ['devices'],
          operationId: 'listDevices',
          summary: 'Devices with profile, kind, transport address, poll interval and comm state',
          response: {
            200: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  name: { type: 'string' },
                  profile: { type: 'string' },
                  kind: { type: 'string' },
                  transport: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
                  pollIntervalMs: { type: 'integer' },
                  points: { type: 'integer' },
                  comm: CommSchema,
                  connection: { type: 'string', description: 'the physical link the device shares, e.g. tcp://10.0.0.5:502' },
                  breaker: { type: 'string', description: 'closed, open or half-open' },
                  counters: { type: 'object', additionalProperties: { type: 'integer' } },
                  latency: {
                    type: 'object',
                    description: 'poll latency histogram: cumulative counts per upper bound (ms), then +Inf',
                    properties: {
                      bucketsMs: { type: 'array', items: { type: 'number' } },
                      counts: { type: 'array', items: { type: 'integer' } },
                      sumMs: { type: 'number' },
                      count: { type: 'integer' },
                    },
                  },
                  lastSuccessTs: { type: ['integer', 'null'] },
                },
              },
            },
          },
        },
      },
      async () => {
        const health = new Map((view.deviceHealth?.() ?? []).map((h) => [h.device, h]));
        return view.config.devices.map((d) => ({
          id: d.id,
          name: d.name,
          profile: d.profile.id,
          kind: d.profile.kind,
          transport: describeTransport(d),
          pollIntervalMs: d.pollIntervalMs,
          points: d.points.length,
          comm: view.live.comm(d.id),
          ...acquisitionHealth(health.get(d.id)),
        }));
      },
    );
  };
}

/** What acquisition adds to a device row: its link, breaker, counters and latency histogram. */
function acquisitionHealth(h: DeviceHealth | undefined) {
  if (!h) return {};
  return { connection: h.connection, breaker: h.breaker, counters: h.counters, latency: h.latency, lastSuccessTs: h.lastSuccessTs ?? null };
}
