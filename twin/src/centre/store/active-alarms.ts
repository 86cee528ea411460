import type { AlarmEvent } from '../../alarm-event.js';
import { type TwinAlarm, twinAlarmOf } from '../../twin-document.js';
import type { ActiveAlarm } from './centre-store.js';

/**
 * A gateway's active alarms: its twin's `alarms`, brought forward by the
 * journal's events of the same boot newer than the twin's `alarmSeq` (an
 * event reaches the centre before the coalesced twin patch that reflects it).
 */
export function activeAlarmsOf(
  site: string,
  gateway: string,
  twinAlarms: Record<string, TwinAlarm>,
  newer: readonly AlarmEvent[],
): ActiveAlarm[] {
  const alarms = new Map<string, TwinAlarm>(Object.entries(twinAlarms));
  for (const event of [...newer].sort((a, b) => a.seq - b.seq)) {
    if (event.state === 'normal') alarms.delete(event.alarmId);
    else alarms.set(event.alarmId, twinAlarmOf(event));
  }
  return [...alarms].map(([alarmId, a]) => ({ ...a, site, gateway, alarmId }));
}

/** Most severe first, then oldest first (ISA-18.2 §11: the operator sees the highest priority first). */
export function byPriorityThenAge(a: ActiveAlarm, b: ActiveAlarm): number {
  return a.priority - b.priority || a.detectedAt.localeCompare(b.detectedAt);
}
