import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import type { GatewayView } from '../gateway-view.js';
import { HttpError } from '../http-error.js';

const Aged = {
  type: 'object',
  properties: { alarmId: { type: 'string' }, since: { type: 'string', format: 'date-time' }, ageMs: { type: 'integer' } },
  required: ['alarmId', 'since', 'ageMs'],
} as const;

/** The response of `GET /api/alarms/analytics` (analytics/analytics-snapshot.ts). */
const AnalyticsSchema = {
  type: 'object',
  properties: {
    rate: { type: 'integer', description: 'alarms annunciated in the last windowMs' },
    windowMs: { type: 'integer' },
    flood: {
      type: 'object',
      properties: {
        active: { type: 'boolean' },
        since: { type: 'string', format: 'date-time' },
        alarms: { type: 'integer', description: 'alarms annunciated since the flood started' },
        peak: { type: 'integer', description: 'the highest rate during the flood' },
        start: { type: 'integer', description: 'a flood starts above this rate (ISA-18.2: 10 per 10 min)' },
        end: { type: 'integer', description: 'and ends below this one (5 per 10 min)' },
      },
      required: ['active', 'start', 'end'],
    },
    floods: { type: 'integer', description: 'floods since the gateway started' },
    chatterEpisodes: { type: 'integer', description: 'times an alarm started chattering since the gateway started' },
    annunciated: { type: 'integer', description: 'alarms annunciated since the gateway started' },
    chattering: { type: 'array', items: { type: 'string' }, description: 'alarm ids chattering now' },
    badActors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { alarmId: { type: 'string' }, raises: { type: 'integer' }, share: { type: 'number' } },
        required: ['alarmId', 'raises', 'share'],
      },
      description: 'the alarms raised most over the last 24 h',
    },
    standing: { type: 'array', items: Aged, description: 'alarms active longer than standingMs (24 h)' },
    staleShelves: { type: 'array', items: Aged, description: 'shelves in place longer than staleShelveMs' },
  },
  required: [
    'rate',
    'windowMs',
    'flood',
    'floods',
    'chatterEpisodes',
    'annunciated',
    'chattering',
    'badActors',
    'standing',
    'staleShelves',
  ],
} as const;

/** `/api/alarms/analytics`: the ISA-18.2 / EEMUA 191 measures of the alarm load (docs/alarms.md "Alarm analytics"). */
export function analyticsRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/alarms/analytics',
      {
        preHandler: requireRole('viewer', 'read alarm analytics'),
        schema: {
          tags: ['alarms'],
          operationId: 'getAlarmAnalytics',
          summary: 'Alarm rate, flood, chattering alarms, bad actors, standing alarms and stale shelves',
          response: { 200: AnalyticsSchema, ...errorResponses(503) },
        },
      },
      async () => {
        if (!view.analytics) throw new HttpError(503, 'LL_ERR_HTTP_UNAVAILABLE', ['the alarm analytics']);
        return view.analytics();
      },
    );
  };
}
