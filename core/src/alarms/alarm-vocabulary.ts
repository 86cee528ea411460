/** Lifecycle transitions published on `…/alarms` (DESIGN.md §4, §5). */
export const ALARM_EVENT_KINDS = [
  'raise',
  'clear',
  'ack',
  'shelve',
  'unshelve',
  'suppress',
  'unsuppress',
  'out-of-service',
  'in-service',
] as const;

/** ISA-18.2 / IEC 62682 alarm states (DESIGN.md §5). */
export const ALARM_STATES = [
  'normal',
  'unacknowledged',
  'acknowledged',
  'returned-unacknowledged',
  'shelved',
  'suppressed',
  'out-of-service',
] as const;

/**
 * Limits (hihi … lolo), rate of change, digital state, stale data, sensor
 * fault, flat-lined value; `comm` is a device's communication alarm and
 * `action` a local action that failed.
 */
export const ALARM_CONDITIONS = ['hihi', 'hi', 'lo', 'lolo', 'roc', 'state', 'stale', 'fault', 'flatline', 'comm', 'action'] as const;

export type AlarmEventKind = (typeof ALARM_EVENT_KINDS)[number];
export type AlarmState = (typeof ALARM_STATES)[number];
export type AlarmCondition = (typeof ALARM_CONDITIONS)[number];
