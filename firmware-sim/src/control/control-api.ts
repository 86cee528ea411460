import { isLifelineError } from '@lifeline/gateway/config';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { simError } from '../errors.js';
import type { SimulatedDevice } from '../simulated-device.js';

export interface DeviceEndpoint {
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
}

const NOT_FOUND = new Set(['LL_ERR_SIM_UNKNOWN_DEVICE', 'LL_ERR_SIM_UNKNOWN_POINT']);

/** The simulator's HTTP control API (DESIGN.md §4): list devices, read and set points. */
export function buildControlApi(
  devices: ReadonlyMap<string, SimulatedDevice>,
  endpointOf: (device: SimulatedDevice) => DeviceEndpoint,
  log: Logger,
): FastifyInstance {
  const app = Fastify({
    loggerInstance: log.child({ component: 'control-api' }) as FastifyBaseLogger,
    // A bench that sends "50" for 50, or a misspelt field, has a bug worth hearing about.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allowUnionTypes: true } },
  });

  app.setErrorHandler((error, _req, reply) => {
    if (isLifelineError(error)) {
      return reply.code(NOT_FOUND.has(error.code) ? 404 : 400).send({ error: error.code, message: error.message, hint: error.hint });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: 'LL_ERR_SIM_REQUEST', message: (error as Error).message });
  });

  const deviceOf = (id: string): SimulatedDevice => {
    const device = devices.get(id);
    if (!device) throw simError('LL_ERR_SIM_UNKNOWN_DEVICE', id);
    return device;
  };

  app.get('/devices', async () =>
    [...devices.values()].map((d) => ({
      id: d.id,
      name: d.config.name,
      profile: d.config.profile.id,
      kind: d.config.profile.kind,
      transport: { kind: 'modbus-tcp', ...endpointOf(d) },
      points: d.config.points.map((p) => ({ id: p.id, name: p.name, unit: p.unit, writable: p.writable, value: d.getValue(p.id) })),
    })),
  );

  app.get<{ Params: { device: string; point: string } }>('/devices/:device/points/:point', async (req) => {
    const device = deviceOf(req.params.device);
    const point = device.point(req.params.point);
    return { device: device.id, point: point.id, unit: point.unit, value: device.getValue(point.id) };
  });

  app.put<{ Params: { device: string; point: string }; Body: { value: number | boolean } }>(
    '/devices/:device/points/:point',
    {
      schema: {
        body: {
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: { value: { type: ['number', 'boolean'] } },
        },
      },
    },
    async (req) => {
      const device = deviceOf(req.params.device);
      device.setValue(req.params.point, req.body.value);
      log.info({ device: device.id, point: req.params.point, value: req.body.value }, 'point set');
      return { device: device.id, point: req.params.point, value: device.getValue(req.params.point) };
    },
  );

  return app;
}
