import { ALARM_CONDITIONS } from '@lifeline/core';
import { Type } from '@sinclair/typebox';
import { TOPIC_ID_PATTERN } from './topics.js';

/** A string enum whose static type is the union of its values. */
export const literals = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** Device, point, site and gateway ids: the same rule as the site config. */
export const Id = Type.String({ pattern: TOPIC_ID_PATTERN });

/**
 * `{device}/{point}/{condition}`, the alarm id of the alarms topic, for every
 * condition kind the engine raises (limits, roc, state, stale, fault,
 * flatline, comm, action): each can be acknowledged and shelved alike.
 */
export const ALARM_ID_PATTERN = `^[a-z0-9][a-z0-9_-]{0,63}/[a-z0-9][a-z0-9_-]{0,63}/(${ALARM_CONDITIONS.join('|')})$`;
export const AlarmId = Type.String({ pattern: ALARM_ID_PATTERN, description: '{device}/{point}/{condition}' });

export const Timestamp = Type.String({ format: 'date-time' });

export const Operator = Type.Object(
  {
    user: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Who asks, recorded for audit: a centre operator, or on the local broker exactly the logged-in user (docs/security.md)',
    }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const ClientToken = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'Chosen by the sender; the result carries it back so answers match requests',
});

/** When the sender issued a command or desired change; older than twin.commandMaxAgeMs is refused as stale. */
export const IssuedAt = Type.String({
  format: 'date-time',
  description: 'When the sender issued it; refused when older (or further ahead) than twin.commandMaxAgeMs',
});
