import { ALARM_CONDITIONS, ALARM_EVENT_KINDS, ALARM_STATES, ANALYTICS_CONDITIONS } from '@lifeline/core';
import { type Static, Type } from '@sinclair/typebox';

export { ALARM_CONDITIONS, ALARM_EVENT_KINDS, ALARM_STATES, ANALYTICS_CONDITIONS };

/** A string enum whose static type is the union of its values. */
const literals = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const AlarmEventSchema = Type.Object(
  {
    event: literals(ALARM_EVENT_KINDS),
    alarmId: Type.String({ description: 'Stable id of the alarm: {device}/{point}/{condition}' }),
    eventId: Type.String({
      minLength: 1,
      description:
        'Stable id of this lifecycle event, `{alarmId}#{n}@{journal}`: kept across restarts, so a republished or replayed event has the same one; a centre de-duplicates on (site, gateway, eventId)',
    }),
    site: Type.String(),
    gateway: Type.String(),
    device: Type.String(),
    point: Type.String(),
    condition: literals(ALARM_CONDITIONS),
    priority: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]),
    colour: literals(['red', 'orange', 'yellow', 'blue']),
    state: literals(ALARM_STATES),
    value: Type.Number({ description: 'The value that caused the transition, in `unit`' }),
    limit: Type.Number({ description: 'The limit in force, in `unit`' }),
    hysteresis: Type.Number({ description: 'Dead band below (high) or above (low) the limit to return to normal' }),
    unit: Type.String(),
    sourceTs: Type.String({ format: 'date-time', description: 'When the sample was taken' }),
    detectedAt: Type.String({ format: 'date-time', description: 'When the gateway decided the transition' }),
    publishedAt: Type.String({ format: 'date-time', description: 'When the gateway handed the event to its uplinks' }),
    seq: Type.Integer({ minimum: 1, description: 'Per-gateway sequence number of alarm events within one boot' }),
    bootId: Type.String({ description: 'Changes on every gateway start; seq restarts with it' }),
    user: Type.Optional(Type.String({ description: 'Who acknowledged, shelved or changed the service state' })),
    comment: Type.Optional(Type.String({ description: "The operator's comment on an ack, shelve or service change" })),
    shelvedUntil: Type.Optional(Type.String({ format: 'date-time', description: 'When a timed shelve expires' })),
    reason: Type.Optional(Type.String({ description: 'Why: a sensor fault, a failed action, a suppressing comm loss' })),
    historical: Type.Optional(Type.Boolean({ description: 'true when replayed from the outbox after an outage, not sent live' })),
  },
  { $id: 'AlarmEvent', additionalProperties: false },
);

export type AlarmEvent = Static<typeof AlarmEventSchema>;
export type AlarmEventKind = AlarmEvent['event'];
export type AlarmState = AlarmEvent['state'];
export type AlarmCondition = AlarmEvent['condition'];
