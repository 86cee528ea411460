import { ALARM_CONDITIONS } from '@lifeline/twin';
import type { FastifyInstance } from 'fastify';
import type { LimitChange } from '../../alarms/alarm-control.js';
import { requireRole } from '../auth.js';
import { errorResponses } from '../error-responses.js';
import { clockOf, type GatewayView } from '../gateway-view.js';
import { HttpError } from '../http-error.js';
import type { WriteLimit } from '../rate-limit.js';
import { controlOf } from './alarms.js';

const LimitChangeSchema = {
  type: 'object',
  properties: {
    device: { type: 'string', minLength: 1, maxLength: 64 },
    point: { type: 'string', minLength: 1, maxLength: 64 },
    condition: { type: 'string', enum: [...ALARM_CONDITIONS] },
    value: { type: 'number' },
    hysteresis: { type: 'number', minimum: 0 },
    priority: { type: 'integer', enum: [1, 2, 3, 4] },
    onDelayMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
    offDelayMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
    enabled: { type: 'boolean' },
  },
  required: ['device', 'point', 'condition'],
  additionalProperties: false,
} as const;

/** `/api/limits`: the limits in force (viewer) and changing them at run time (admin). */
export function limitRoutes(view: GatewayView, writeLimit: WriteLimit) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/api/limits',
      {
        preHandler: requireRole('viewer', 'read limits'),
        schema: {
          tags: ['limits'],
          operationId: 'listLimits',
          summary: 'The alarm limits in force',
          response: { 200: { type: 'array', items: LimitChangeSchema }, ...errorResponses(503) },
        },
      },
      async () => controlOf(view).limits(),
    );

    app.put<{ Body: { changes: LimitChange[] } }>(
      '/api/limits',
      {
        preHandler: requireRole('admin', 'change limits'),
        config: { rateLimit: writeLimit },
        schema: {
          tags: ['limits'],
          operationId: 'changeLimits',
          summary: 'Change limits without a restart (admin): all changes are validated, then all or none applied',
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            properties: { changes: { type: 'array', minItems: 1, maxItems: 500, items: LimitChangeSchema } },
            required: ['changes'],
            additionalProperties: false,
          },
          response: {
            200: { type: 'array', items: LimitChangeSchema },
            // 400 also when the engine refuses a change, with every reason.
            ...errorResponses(400, 503),
          },
        },
      },
      async (request) => {
        const control = controlOf(view);
        const result = control.applyLimits(request.body.changes);
        request.log.info({ user: request.principal.user, changes: request.body.changes.length, ok: result.ok }, 'limit change');
        view.audit?.record({
          ts: new Date(clockOf(view).now()).toISOString(),
          origin: 'http',
          principal: request.principal.user,
          action: 'limits',
          target: request.body.changes
            .map((c) => `${c.device}/${c.point}/${c.condition}`)
            .join(',')
            .slice(0, 200),
          outcome: result.ok ? 'accepted' : 'refused',
          ...(result.ok ? {} : { code: 'LL_ERR_HTTP_BAD_REQUEST' }),
        });
        if (!result.ok) {
          const reason = result.reasons.join('; ');
          throw new HttpError(400, 'LL_ERR_HTTP_BAD_REQUEST', ['body.changes', reason], {
            field: 'changes',
            reason,
            reasons: result.reasons,
          });
        }
        return control.limits();
      },
    );
  };
}
