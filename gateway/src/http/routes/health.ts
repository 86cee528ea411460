import type { FastifyInstance } from 'fastify';
import { clockOf, type GatewayView } from '../gateway-view.js';

/** `/api/health`: open to every caller (liveness probes carry no token). */
export function healthRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['status'],
          operationId: 'getHealth',
          summary: 'Liveness, uplinks, device comm and which optional subsystems are wired',
          security: [],
          response: {
            200: {
              type: 'object',
              properties: {
                status: { type: 'string', enum: ['ok'] },
                site: { type: 'string' },
                gateway: { type: 'string' },
                bootId: { type: 'string' },
                version: { type: 'string' },
                uptimeS: { type: 'integer' },
                uplinks: { type: 'object', additionalProperties: { type: 'object', properties: { connected: { type: 'boolean' } } } },
                devices: { type: 'object', additionalProperties: { type: 'string' } },
                features: {
                  type: 'object',
                  properties: {
                    alarmControl: { type: 'boolean' },
                    outbox: { type: 'boolean' },
                    twin: { type: 'boolean' },
                  },
                },
              },
            },
          },
        },
      },
      async () => ({
        status: 'ok',
        site: view.config.site,
        gateway: view.config.gateway,
        bootId: view.bootId,
        version: view.version,
        uptimeS: Math.round((clockOf(view).now() - view.startedAt) / 1000),
        uplinks: view.uplinks(),
        devices: Object.fromEntries(view.config.devices.map((d) => [d.id, view.live.comm(d.id).state])),
        features: { alarmControl: view.alarmControl !== undefined, outbox: view.outbox !== undefined, twin: view.twin !== undefined },
      }),
    );

    app.get(
      '/api/whoami',
      {
        schema: {
          tags: ['status'],
          operationId: 'whoAmI',
          summary: 'The caller as the gateway sees its token: user and role (none, viewer, operator, admin)',
          response: {
            200: { type: 'object', properties: { user: { type: 'string' }, role: { type: 'string' } } },
          },
        },
      },
      async (request) => request.principal,
    );
  };
}
