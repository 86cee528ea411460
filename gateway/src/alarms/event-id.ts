import { randomBytes } from 'node:crypto';

/**
 * The stable id of one alarm lifecycle event (issue 18, finding 7):
 * `{alarmId}#{n}@{journal}`, e.g. `gas-1/lel1/hihi#12@7f3a9c21`.
 *
 * - `n` counts the alarm's transitions; it is saved with the alarm's state in
 *   the same transaction as the event itself, so it never repeats and a
 *   republish after a crash reuses the id it was saved with. Derived rather
 *   than random, it also tells a centre the order of one alarm's events and
 *   a gap in them across restarts, where `seq` covers one boot only.
 * - `journal` is random, made once when `alarms.db` is created: a wiped or
 *   replaced state folder starts again at n = 1 without colliding with the ids
 *   a centre has already seen.
 *
 * Unique per gateway: a centre de-duplicates on (site, gateway, eventId).
 */
export function alarmEventId(alarmId: string, transition: number, journal: string): string {
  return `${alarmId}#${transition}@${journal}`;
}

/** A new journal id: 8 hex digits, 32 random bits, plenty for the few times a state folder is recreated. */
export function newJournalId(): string {
  return randomBytes(4).toString('hex');
}
