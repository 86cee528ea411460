import type { AlarmControl } from '../alarms/alarm-control.js';

/**
 * The engine's AlarmControl, if it offers one. The twin needs it to apply
 * desired limits, acks and shelving; without it those are refused with
 * LL_ERR_TWIN_NO_ALARM_CONTROL and the twin still reports everything.
 */
export function alarmControlOf(engine: object): AlarmControl | undefined {
  const candidate = engine as Partial<Record<keyof AlarmControl, unknown>>;
  const methods: (keyof AlarmControl)[] = ['ack', 'shelve', 'unshelve', 'applyLimits', 'limits'];
  return methods.every((m) => typeof candidate[m] === 'function') ? (engine as AlarmControl) : undefined;
}
