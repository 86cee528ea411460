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
 * The gateway's own alarm-management alarms (docs/alarms.md "Alarm analytics"):
 * an alarm flood (ISA-18.2 §16: > 10 alarms in 10 min) and a chattering
 * alarm (EEMUA 191: ≥ 3 raises in 1 min), published on `…/alarms` like any other.
 */
export const ANALYTICS_CONDITIONS = ['flood', 'chatter'] as const;

/**
 * Limits (hihi … lolo), rate of change, digital state, stale data, sensor
 * fault, flat-lined value; `comm` is a device's communication alarm and
 * `action` a local action that failed; then the analytics conditions.
 */
export const ALARM_CONDITIONS = [
  'hihi',
  'hi',
  'lo',
  'lolo',
  'roc',
  'state',
  'stale',
  'fault',
  'flatline',
  'comm',
  'action',
  ...ANALYTICS_CONDITIONS,
] as const;

export type AlarmEventKind = (typeof ALARM_EVENT_KINDS)[number];
export type AlarmState = (typeof ALARM_STATES)[number];
export type AlarmCondition = (typeof ALARM_CONDITIONS)[number];
