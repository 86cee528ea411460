import type { FastifyInstance } from 'fastify';
import { describeTransport } from '../../config/index.js';
import { requireRole } from '../auth.js';
import type { GatewayView } from '../gateway-view.js';

const CommSchema = {
  type: 'object',
  properties: { state: { type: 'string', description: 'connecting, online, degraded or offline' }, reason: { type: 'string' } },
} as const;

/** `/api/devices`: the site's devices with kind, transport and comm health. */
export function deviceRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/devices',
      {
        preHandler: requireRole('viewer', 'list devices'),
        schema: {
          tags: ['devices'],
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
                },
              },
            },
          },
        },
      },
      async () =>
        view.config.devices.map((d) => ({
          id: d.id,
          name: d.name,
          profile: d.profile.id,
          kind: d.profile.kind,
          transport: describeTransport(d),
          pollIntervalMs: d.pollIntervalMs,
          points: d.points.length,
          comm: view.live.comm(d.id),
        })),
    );
  };
}
