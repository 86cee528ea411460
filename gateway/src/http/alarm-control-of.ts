import type { AlarmControl } from '../alarms/alarm-control.js';

const METHODS = ['ack', 'shelve', 'unshelve', 'applyLimits', 'limits'] as const;

/**
 * The alarm engine as AlarmControl when it implements the interface, so the
 * composition root can wire it before and after the engine gains these
 * commands; until then the command routes answer 503.
 */
export function alarmControlOf(engine: object): AlarmControl | undefined {
  const candidate = engine as Partial<Record<(typeof METHODS)[number], unknown>>;
  return METHODS.every((m) => typeof candidate[m] === 'function') ? (engine as AlarmControl) : undefined;
}
