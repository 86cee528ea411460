import type { AlarmEvent } from '@lifeline/twin';

/**
 * How long alarms have been active and shelves in place, from the published
 * events: standing alarms (active longer than 24 h, EEMUA 191) and stale
 * shelves (shelved longer than the site allows: a forgotten shelve, ISA-18.2
 * §11.3 asks for shelved alarms to be reviewed). The owner feeds it events
 * and asks with the time; `observeAges` updates the state in place (O(1) per
 * event, even with thousands of alarms standing) and returns it.
 */
export interface AgeState {
  /** alarm id → since when its condition has been active, as far as the events show. */
  readonly active: Map<string, number>;
  /** alarm id → when it was shelved. */
  readonly shelved: Map<string, number>;
}

export function newAges(): AgeState {
  return { active: new Map(), shelved: new Map() };
}

export interface AgedAlarm {
  readonly alarmId: string;
  readonly since: string;
  readonly ageMs: number;
}

/**
 * A raise starts the age; an event showing the condition gone (normal,
 * returned-unacknowledged) ends it. While the alarm is hidden (shelved,
 * suppressed, out of service) the events say nothing about the condition, so
 * its age carries on until it shows again.
 */
export function observeAges(state: AgeState, e: Pick<AlarmEvent, 'alarmId' | 'event' | 'state' | 'detectedAt'>): AgeState {
  const at = Date.parse(e.detectedAt);
  const { active, shelved } = state;
  if (e.state === 'unacknowledged' || e.state === 'acknowledged') {
    if (!active.has(e.alarmId)) active.set(e.alarmId, at);
  } else if (e.state === 'normal' || e.state === 'returned-unacknowledged') active.delete(e.alarmId);
  if (e.event === 'shelve') shelved.set(e.alarmId, at);
  else if (e.state !== 'shelved') shelved.delete(e.alarmId);
  return state;
}

function olderThan(map: ReadonlyMap<string, number>, now: number, limitMs: number): AgedAlarm[] {
  return [...map]
    .filter(([, since]) => now - since > limitMs)
    .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))
    .map(([alarmId, since]) => ({ alarmId, since: new Date(since).toISOString(), ageMs: now - since }));
}

/** Alarms active longer than `standingMs`, oldest first. */
export function standingAlarms(state: AgeState, now: number, standingMs: number): AgedAlarm[] {
  return olderThan(state.active, now, standingMs);
}

/** Shelves in place longer than `staleShelveMs`, oldest first. */
export function staleShelves(state: AgeState, now: number, staleShelveMs: number): AgedAlarm[] {
  return olderThan(state.shelved, now, staleShelveMs);
}
