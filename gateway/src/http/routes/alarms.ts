import { ALARM_STATES } from '@lifeline/twin';
import type { FastifyInstance } from 'fastify';
import type { AlarmCommandResult, AlarmControl } from '../../alarms/alarm-control.js';
import type { AlarmJournal } from '../../alarms/alarm-state-store.js';
import { requireRole } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import { clockOf, type GatewayView } from '../gateway-view.js';
import { HttpError } from '../http-error.js';
import type { WriteLimit } from '../rate-limit.js';

/** `{device}/{point}/{condition}`; the engine may add conditions, so only the shape is fixed here. */
const AlarmId = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*/[a-z0-9_-]+$', maxLength: 200 } as const;
const Comment = { type: 'string', maxLength: 500, description: 'why; recorded with the lifecycle event' } as const;
/** ISA-18.2 §11 timed shelving: always with an expiry; here 1 minute to 24 hours. */
const DurationMs = { type: 'integer', minimum: 60_000, maximum: 86_400_000, description: 'shelve for this long (1 min – 24 h)' } as const;

const CommandResult = {
  type: 'object',
  properties: { alarmId: { type: 'string' }, state: { type: 'string', enum: [...ALARM_STATES] } },
} as const;

type Body = { alarmId: string; comment?: string; durationMs?: number };

/** `/api/alarms`: active alarms, their history (the durable journal), and ack / shelve / unshelve for operators. */
export function alarmRoutes(view: GatewayView, writeLimit: WriteLimit) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/alarms',
      {
        preHandler: requireRole('viewer', 'list alarms'),
        schema: {
          tags: ['alarms'],
          operationId: 'listActiveAlarms',
          summary: 'Alarms not in the normal state, each as its last lifecycle event',
          response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
        },
      },
      async () => view.activeAlarms(),
    );

    app.get<{ Querystring: { limit: number; alarmId?: string } }>(
      '/api/alarms/history',
      {
        preHandler: requireRole('viewer', 'read alarm history'),
        schema: {
          tags: ['alarms'],
          operationId: 'listAlarmHistory',
          summary: 'Recent alarm lifecycle events, newest first, from the durable journal (across restarts)',
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, alarmId: AlarmId },
            additionalProperties: false,
          },
          response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
        },
      },
      async (request) => {
        const { limit, alarmId } = request.query;
        return journalOf(view).history(alarmId === undefined ? { limit } : { limit, alarmId });
      },
    );

    app.get<{ Querystring: { limit: number } }>(
      '/api/audit',
      {
        preHandler: requireRole('operator', 'read the audit trail'),
        schema: {
          tags: ['alarms'],
          operationId: 'auditTrail',
          summary: 'Every ack, shelve, unshelve, limit change and command, accepted or refused: who, from where, when (docs/security.md)',
          security: [{ bearer: [] }],
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            additionalProperties: false,
          },
          response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } }, ...errorResponses(503) },
        },
      },
      async (request) => {
        if (!view.audit) throw new HttpError(503, 'LL_ERR_HTTP_UNAVAILABLE', ['the audit trail']);
        return view.audit.list(request.query.limit);
      },
    );

    const command = (
      name: 'ack' | 'shelve' | 'unshelve',
      summary: string,
      body: Record<string, unknown>,
      required: string[],
      run: (control: AlarmControl, b: Body, user: string) => AlarmCommandResult,
    ) =>
      app.post<{ Body: Body }>(
        `/api/alarms/${name}`,
        {
          preHandler: requireRole('operator', `${name} alarms`),
          config: { rateLimit: writeLimit },
          schema: {
            tags: ['alarms'],
            operationId: `${name}Alarm`,
            summary,
            security: [{ bearer: [] }],
            body: { type: 'object', properties: body, required, additionalProperties: false },
            response: { 200: CommandResult, ...errorResponses(404, 409, 503) },
          },
        },
        async (request) => {
          const control = controlOf(view);
          checkKnown(view, request.body.alarmId);
          if (name === 'shelve') checkShelveComment(view, request.body);
          const result = run(control, request.body, request.principal.user);
          request.log.info({ alarmId: request.body.alarmId, user: request.principal.user, command: name, ok: result.ok }, 'alarm command');
          view.audit?.record({
            ts: new Date(clockOf(view).now()).toISOString(),
            origin: 'http',
            principal: request.principal.user,
            action: name,
            target: request.body.alarmId,
            outcome: result.ok ? 'accepted' : 'refused',
            ...(result.ok ? {} : { code: result.code }),
          });
          if (!result.ok) throw new HttpError(409, 'LL_ERR_HTTP_REFUSED', [name, request.body.alarmId, result.reason], refusal(result));
          return { alarmId: result.alarmId, state: result.state };
        },
      );

    command('ack', 'Acknowledge an alarm (operator)', { alarmId: AlarmId, comment: Comment }, ['alarmId'], (c, b, user) =>
      c.ack(b.alarmId, operator(user, b.comment)),
    );
    command(
      'shelve',
      'Shelve an alarm for a limited time (operator); it unshelves itself at expiry',
      { alarmId: AlarmId, durationMs: DurationMs, comment: Comment },
      ['alarmId', 'durationMs'],
      (c, b, user) => c.shelve(b.alarmId, b.durationMs as number, operator(user, b.comment)),
    );
    command('unshelve', 'Return a shelved alarm to service (operator)', { alarmId: AlarmId, comment: Comment }, ['alarmId'], (c, b, user) =>
      c.unshelve(b.alarmId, operator(user, b.comment)),
    );
  };
}

export function controlOf(view: GatewayView): AlarmControl {
  if (!view.alarmControl) throw new HttpError(503, 'LL_ERR_HTTP_UNAVAILABLE', ['alarm control (ack, shelve, limits)']);
  return view.alarmControl;
}

function journalOf(view: GatewayView): AlarmJournal {
  if (!view.alarmJournal) throw new HttpError(503, 'LL_ERR_HTTP_UNAVAILABLE', ['the alarm journal']);
  return view.alarmJournal;
}

/** An alarm id must name a configured device and point; the engine judges the rest. */
function checkKnown(view: GatewayView, alarmId: string): void {
  const [device, point] = alarmId.split('/');
  const known = view.config.devices.some((d) => d.id === device && d.points.some((p) => p.id === point));
  if (!known) throw new HttpError(404, 'LL_ERR_HTTP_NOT_FOUND', ['alarm', alarmId]);
}

/** ISA-18.2 §11.5: shelving an urgent alarm is a decision someone must explain (`alarms.shelveCommentUpTo`). */
function checkShelveComment(view: GatewayView, body: Body): void {
  const upTo = view.config.alarms.shelveCommentUpTo;
  const alarm = view.activeAlarms().find((a) => a.alarmId === body.alarmId);
  if (!alarm || alarm.priority > upTo || (body.comment ?? '').trim() !== '') return;
  const reason = `is required to shelve a priority ${alarm.priority} alarm (alarms.shelveCommentUpTo: ${upTo})`;
  throw new HttpError(400, 'LL_ERR_HTTP_BAD_REQUEST', ['body.comment', reason], { field: 'comment', reason });
}

function operator(user: string, comment: string | undefined) {
  return comment === undefined ? { user } : { user, comment };
}

function refusal(result: Extract<AlarmCommandResult, { ok: false }>) {
  return { reason: result.reason, engineCode: result.code };
}
