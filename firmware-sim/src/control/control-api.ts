import swagger from '@fastify/swagger';
import { describeTransport, errorBody, isLifelineError } from '@lifeline/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { simError } from '../errors.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { errorAnswers, FaultAnswerSchema, FaultBodySchema, PointBodySchema, PointViewSchema, ScenarioStartSchema } from './api-schemas.js';
import type { SimulatorControl } from './simulator-control.js';

type Sim = SimulatorControl;

/**
 * The simulator's HTTP control API (DESIGN.md §4; docs/simulator.md): devices
 * and points, scenarios, faults; its OpenAPI description at /openapi.json.
 */
export function buildControlApi(sim: Sim, log: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: log.child({ component: 'control-api' }) as FastifyBaseLogger,
    // A bench that sends "50" for 50, or a misspelt field, has a bug worth hearing about.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allowUnionTypes: true } },
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(simError('LL_ERR_SIM_NO_ROUTE', req.method, req.url.split('?')[0]))),
  );
  app.setErrorHandler((error, _req, reply) => {
    if (isLifelineError(error)) {
      const status = error.httpStatus ?? 400;
      return reply.code(status).send(errorBody(error, status));
    }
    // Fastify's own answers (schema, media type, size): the status it chose, in the one body.
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send(errorBody(simError('LL_ERR_SIM_REQUEST', (error as Error).message), status));
  });

  void app.register(swagger, {
    openapi: {
      // 3.1: its Schema Objects are JSON Schema 2020-12, what the route schemas are written in.
      openapi: '3.1.0',
      info: { title: 'lifeline firmware simulator control API', version: '1.0.0', description: 'docs/simulator.md' },
    },
  });

  const deviceOf = (id: string): SimulatedDevice => {
    const device = sim.devices.get(id);
    if (!device) throw simError('LL_ERR_SIM_UNKNOWN_DEVICE', id);
    return device;
  };
  const pointView = (d: SimulatedDevice, id: string) => {
    const p = d.point(id);
    return { device: d.id, point: p.id, unit: p.unit, value: d.getValue(p.id), mode: sim.engine.modeOf(d.id, p.id) };
  };
  const params = (...names: string[]) => ({
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
  });
  type PointParams = { device: string; point: string };
  const pointParams = params('device', 'point');

  void app.register(async (api) => {
    api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

    api.get('/devices', { schema: { operationId: 'listDevices', summary: 'every device with its transport and points' } }, async () =>
      [...sim.devices.values()].map((d) => ({
        id: d.id,
        name: d.config.name,
        profile: d.config.profile.id,
        kind: d.config.profile.kind,
        transport: sim.servedAt(d.id) ?? describeTransport(d.config),
        points: d.points.map((p) => ({
          id: p.id,
          name: p.name,
          unit: p.unit,
          writable: p.writable,
          value: d.getValue(p.id),
          mode: sim.engine.modeOf(d.id, p.id),
        })),
      })),
    );

    api.get<{ Params: PointParams }>(
      '/devices/:device/points/:point',
      {
        schema: {
          operationId: 'getPoint',
          summary: 'one point value and who drives it (behaviour, manual, scenario)',
          params: pointParams,
          response: { 200: PointViewSchema, ...errorAnswers({ notFound: true }) },
        },
      },
      async (req) => pointView(deviceOf(req.params.device), req.params.point),
    );

    api.put<{ Params: PointParams; Body: { value?: number | boolean; mode?: 'behaviour' } }>(
      '/devices/:device/points/:point',
      {
        schema: {
          operationId: 'setPoint',
          summary: 'set a point (it holds until released or a scenario takes it), or {"mode": "behaviour"} to release it',
          params: pointParams,
          body: PointBodySchema,
          response: { 200: PointViewSchema, ...errorAnswers({ notFound: true, body: true }) },
        },
      },
      async (req) => {
        const device = deviceOf(req.params.device);
        if (req.body.value === undefined) sim.release(device, req.params.point);
        else sim.setManual(device, req.params.point, req.body.value);
        return pointView(device, req.params.point);
      },
    );

    api.delete<{ Params: PointParams }>(
      '/devices/:device/points/:point',
      {
        schema: {
          operationId: 'releasePoint',
          summary: 'hand a point back to its configured behaviour (undo a PUT)',
          params: pointParams,
          response: { 200: PointViewSchema, ...errorAnswers({ notFound: true }) },
        },
      },
      async (req) => {
        const device = deviceOf(req.params.device);
        sim.release(device, req.params.point);
        return pointView(device, req.params.point);
      },
    );

    api.get('/scenarios', { schema: { operationId: 'listScenarios', summary: 'scenario files and their last run' } }, async () =>
      sim.scenarios.list(),
    );

    api.post<{ Params: { name: string }; Body: { timeScale?: number; device?: string } | undefined }>(
      '/scenarios/:name/start',
      {
        schema: {
          operationId: 'startScenario',
          summary: 'start a scenario (again)',
          params: params('name'),
          body: ScenarioStartSchema,
          response: errorAnswers({ notFound: true, body: true }),
        },
      },
      async (req) => sim.scenarios.start(req.params.name, req.body ?? {}),
    );

    api.post<{ Params: { name: string } }>(
      '/scenarios/:name/stop',
      {
        schema: {
          operationId: 'stopScenario',
          summary: 'stop a running scenario',
          params: params('name'),
          response: errorAnswers({ notFound: true }),
        },
      },
      async (req) => sim.scenarios.stop(req.params.name),
    );

    api.get('/faults', { schema: { operationId: 'listFaults', summary: 'active faults' } }, async () => sim.faults.list());

    api.post<{ Body: Parameters<Sim['addFault']>[0] }>(
      '/faults',
      {
        schema: {
          operationId: 'addFault',
          summary: 'inject a fault; answers with its id',
          body: FaultBodySchema,
          response: { 201: FaultAnswerSchema, ...errorAnswers({ notFound: true, body: true }) },
        },
      },
      async (req, reply) => reply.code(201).send(sim.addFault(req.body)),
    );

    api.delete<{ Params: { id: string } }>(
      '/faults/:id',
      { schema: { operationId: 'clearFault', summary: 'clear a fault', params: params('id'), response: errorAnswers({ notFound: true }) } },
      async (req) => sim.removeFault(req.params.id),
    );
  });

  return app;
}
