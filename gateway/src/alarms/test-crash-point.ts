/**
 * TEST ONLY. `LL_TEST_CRASH_AT=<point>` makes the gateway kill itself
 * with SIGKILL the first time an alarm event reaches that point, so a test can
 * crash it inside a window a random `kill -9` would rarely hit (issue 18,
 * finding 7; test/integration/alarm-event-ids.test.ts):
 * - `before-outbox`: the event is saved as pending in alarms.db, the outbox does not have it;
 * - `after-outbox`: the outbox has it, the journal still says pending.
 * Unset (always, outside tests) it costs one comparison per alarm event. Not a
 * LIFELINE_ setting on purpose: it is no part of the product's environment.
 */
export type CrashPoint = 'before-outbox' | 'after-outbox';

const armed = process.env.LL_TEST_CRASH_AT;

export function testCrashPoint(point: CrashPoint): void {
  if (armed === point) process.kill(process.pid, 'SIGKILL');
}
