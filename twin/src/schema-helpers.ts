import { Type } from '@sinclair/typebox';
import { TOPIC_ID_PATTERN } from './topics.js';

/** A string enum whose static type is the union of its values. */
export const literals = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** Device, point, site and gateway ids: the same rule as the site config. */
export const Id = Type.String({ pattern: TOPIC_ID_PATTERN });

/** `{device}/{point}/{condition}`, the alarm id of the alarms topic. */
export const ALARM_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}/[a-z0-9][a-z0-9_-]{0,63}/(hihi|hi|lo|lolo)$';
export const AlarmId = Type.String({ pattern: ALARM_ID_PATTERN, description: '{device}/{point}/{condition}' });

export const Timestamp = Type.String({ format: 'date-time' });

export const Operator = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 128, description: 'Who asks; checked against twin.authorise in the site config' }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const ClientToken = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'Chosen by the sender; the result carries it back so answers match requests',
});
