import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import { type CsvCell, toCsv, wantsCsv } from '../export/csv.js';
import { clockOf, type GatewayView } from '../gateway-view.js';
import type { HistorySource } from '../history/history-source.js';
import { HttpError } from '../http-error.js';

const TREND_COLUMNS: readonly (readonly [string, (s: { ts: number; value: number; unit: string }) => CsvCell])[] = [
  ['ts', (s) => new Date(s.ts).toISOString()],
  ['value', (s) => s.value],
  ['unit', (s) => s.unit],
];

const PointParams = {
  type: 'object',
  properties: { device: { type: 'string', maxLength: 64 }, point: { type: 'string', maxLength: 64 } },
  required: ['device', 'point'],
} as const;

const HistoryQuery = {
  type: 'object',
  properties: {
    windowMs: {
      type: 'integer',
      minimum: 1000,
      maximum: 7 * 86_400_000,
      default: 900_000,
      description: 'how far back from now (up to 7 d)',
    },
    sinceMs: { type: 'integer', minimum: 0, description: 'absolute start (ms since the epoch); wins over windowMs' },
    untilMs: { type: 'integer', minimum: 0, description: 'absolute end (ms since the epoch); default now' },
    format: { type: 'string', enum: ['json', 'csv'], description: 'csv: ts (ISO), value, unit; wins over the Accept header' },
  },
  additionalProperties: false,
} as const;

/** `/api/points` (latest values) and `/api/points/{device}/{point}/history` (trends). */
export function pointRoutes(view: GatewayView, history: HistorySource) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/points',
      {
        preHandler: requireRole('viewer', 'list points'),
        schema: {
          tags: ['points'],
          operationId: 'listPoints',
          summary: 'Every point with unit, limits, latest value and quality (good, uncertain, bad) with reason',
          response: { 200: { type: 'array', items: { $ref: 'PointValue#' } } },
        },
      },
      async () => {
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
      },
    );

    app.get<{
      Params: { device: string; point: string };
      Querystring: { windowMs: number; sinceMs?: number; untilMs?: number; format?: 'json' | 'csv' };
    }>(
      '/api/points/:device/:point/history',
      {
        preHandler: requireRole('viewer', 'read history'),
        schema: {
          tags: ['points'],
          operationId: 'getPointHistory',
          summary: 'Samples of one point for trend charts, oldest first (booleans as 0/1; bad readings are gaps)',
          params: PointParams,
          querystring: HistoryQuery,
          response: {
            200: {
              type: 'object',
              properties: {
                device: { type: 'string' },
                point: { type: 'string' },
                unit: { type: 'string' },
                samples: {
                  type: 'array',
                  items: { type: 'object', properties: { ts: { type: 'number' }, value: { type: 'number' } }, required: ['ts', 'value'] },
                },
              },
            },
            ...errorResponses(404),
          },
        },
      },
      async (request, reply) => {
        const { device, point } = request.params;
        const config = view.config.devices.find((d) => d.id === device);
        if (!config) throw new HttpError(404, 'LL_ERR_HTTP_NOT_FOUND', ['device', device]);
        const p = config.points.find((x) => x.id === point);
        if (!p) throw new HttpError(404, 'LL_ERR_HTTP_NOT_FOUND', ['point', `${device}/${point}`]);
        const { sinceMs, untilMs, windowMs, format } = request.query;
        const until = untilMs ?? clockOf(view).now();
        const since = sinceMs ?? until - windowMs;
        const samples = history.history(device, point, since).filter((s) => s.ts <= until);
        if (!wantsCsv(format, request.headers.accept)) return { device, point, unit: p.unit, samples };
        const rows = samples.map((s) => ({ ...s, unit: p.unit }));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="trend-${device}-${point}.csv"`)
          .send(toCsv(TREND_COLUMNS, rows));
      },
    );
  };
}

/** The shape of one entry of `/api/points`, shared with the OpenAPI document. */
export const PointValueSchema = {
  $id: 'PointValue',
  type: 'object',
  properties: {
    device: { type: 'string' },
    point: { type: 'string' },
    name: { type: 'string' },
    unit: { type: 'string' },
    writable: { type: 'boolean' },
    limits: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          condition: { type: 'string' },
          value: { type: 'number' },
          hysteresis: { type: 'number' },
          priority: { type: 'integer' },
          onDelayMs: { type: 'integer' },
          offDelayMs: { type: 'integer' },
          basis: { type: 'string' },
        },
      },
    },
    value: { type: ['number', 'boolean', 'null'] },
    quality: { type: 'string', enum: ['good', 'uncertain', 'bad'] },
    reason: { type: 'string' },
    sourceTs: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;
