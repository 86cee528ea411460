import { ALARM_EVENT_KINDS, ALARM_STATES } from '@lifeline/twin';
import type { FastifyInstance } from 'fastify';
import type { AlarmJournalQuery, JournalEntry, JournalQuery } from '../../alarms/alarm-journal-reader.js';
import { requireRole } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import { type CsvCell, toCsv, wantsCsv } from '../export/csv.js';
import type { GatewayView } from '../gateway-view.js';
import { HttpError } from '../http-error.js';

/** Page sizes: a JSON page stays small for the dashboard; a CSV export may take a day of a busy site at once. */
export const JOURNAL_MAX_JSON = 1000;
export const JOURNAL_MAX_CSV = 10_000;

const Id = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } as const;

/** ISO 8601 date or date-time with an optional zone (the API's validator knows no `format`). */
const IsoTime = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$',
} as const;

const JournalQuerySchema = {
  type: 'object',
  properties: {
    device: Id,
    point: Id,
    priority: { type: 'string', pattern: '^[1-4](,[1-4]){0,3}$', description: 'one or more priorities, e.g. 1,2' },
    state: { type: 'string', enum: [...ALARM_STATES], description: 'the state after the event' },
    event: { type: 'string', enum: [...ALARM_EVENT_KINDS] },
    from: { ...IsoTime, description: 'detected at or after (ISO 8601, e.g. 2026-11-30T00:00:00+08:00)' },
    to: { ...IsoTime, description: 'detected at or before (ISO 8601)' },
    q: { type: 'string', maxLength: 100, description: 'text anywhere in the record: ids, user, comment, reason' },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: JOURNAL_MAX_CSV,
      default: 100,
      description: `entries per page: at most ${JOURNAL_MAX_JSON} as JSON, ${JOURNAL_MAX_CSV} as CSV`,
    },
    cursor: { type: 'integer', minimum: 1, description: 'nextCursor of the previous page' },
    format: { type: 'string', enum: ['json', 'csv'], description: 'wins over the Accept header' },
  },
  additionalProperties: false,
} as const;

type Query = Omit<JournalQuery, 'priority'> & { priority?: string; format?: 'json' | 'csv' };

const EntrySchema = { type: 'object', additionalProperties: true, properties: { id: { type: 'integer' } } } as const;

/** The CSV columns, in the order a maintenance report reads them. */
const COLUMNS: readonly (readonly [string, (e: JournalEntry) => CsvCell])[] = [
  ['detectedAt', (e) => e.detectedAt],
  ['event', (e) => e.event],
  ['state', (e) => e.state],
  ['priority', (e) => e.priority],
  ['alarmId', (e) => e.alarmId],
  ['device', (e) => e.device],
  ['point', (e) => e.point],
  ['condition', (e) => e.condition],
  ['value', (e) => e.value],
  ['limit', (e) => e.limit],
  ['unit', (e) => e.unit],
  ['user', (e) => e.user],
  ['comment', (e) => e.comment],
  ['reason', (e) => e.reason],
  ['sourceTs', (e) => e.sourceTs],
  ['id', (e) => e.id],
];

/** `GET /api/alarms/journal`: the durable alarm journal (alarms.db, across restarts), filtered, paged, as JSON or CSV. */
export function journalRoutes(view: GatewayView) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: Query }>(
      '/api/alarms/journal',
      {
        preHandler: requireRole('viewer', 'read the alarm journal'),
        schema: {
          tags: ['alarms'],
          operationId: 'queryAlarmJournal',
          summary:
            'The durable alarm journal, newest first, filtered and paged by cursor; CSV with format=csv or Accept: text/csv (next page in the x-next-cursor header)',
          querystring: JournalQuerySchema,
          response: {
            200: {
              description: 'a page of journal entries',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { entries: { type: 'array', items: EntrySchema }, nextCursor: { type: 'integer' } },
                    required: ['entries'],
                  },
                },
                'text/csv': { schema: { type: 'string', description: 'UTF-8 with BOM, RFC 4180' } },
              },
            },
            ...errorResponses(503),
          },
        },
      },
      async (request, reply) => {
        const csv = wantsCsv(request.query.format, request.headers.accept);
        const query = journalQueryOf(request.query, csv);
        const page = readerOf(view).page(query);
        if (page.nextCursor !== undefined) reply.header('x-next-cursor', String(page.nextCursor));
        if (!csv) return page;
        const day = (query.from ?? new Date(view.clock?.now() ?? Date.now()).toISOString()).slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="alarm-journal-${view.config.site}-${day}.csv"`)
          .send(toCsv(COLUMNS, page.entries));
      },
    );
  };
}

function readerOf(view: GatewayView): AlarmJournalQuery {
  if (!view.alarmJournalQuery) throw new HttpError(503, 'LL_ERR_HTTP_UNAVAILABLE', ['the alarm journal']);
  return view.alarmJournalQuery;
}

/** The schema checked each field; what is left: the JSON page bound, times normalised to the stored form. */
function journalQueryOf(q: Query, csv: boolean): JournalQuery {
  if (!csv && q.limit > JOURNAL_MAX_JSON) {
    const reason = `must be <= ${JOURNAL_MAX_JSON} as JSON (CSV allows ${JOURNAL_MAX_CSV})`;
    throw new HttpError(400, 'LL_ERR_HTTP_BAD_REQUEST', ['querystring.limit', reason], { field: 'limit', reason });
  }
  const { format: _format, priority, from, to, ...rest } = q;
  return {
    ...rest,
    ...(priority === undefined ? {} : { priority: priority.split(',').map(Number) }),
    ...(from === undefined ? {} : { from: isoOf('from', from) }),
    ...(to === undefined ? {} : { to: isoOf('to', to) }),
  };
}

/** The stored form (UTC, ms): what `detected_at` compares with as text. */
function isoOf(field: string, value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    const reason = 'is not a valid date-time';
    throw new HttpError(400, 'LL_ERR_HTTP_BAD_REQUEST', [`querystring.${field}`, reason], { field, reason });
  }
  return new Date(ms).toISOString();
}
