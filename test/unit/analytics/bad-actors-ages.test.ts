import assert from 'node:assert/strict';
import { newAges, observeAges, staleShelves, standingAlarms } from '../../../gateway/src/analytics/alarm-ages.js';
import { BUCKET_MS, countRaise, newBadActors, topBadActors } from '../../../gateway/src/analytics/bad-actors.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 15, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('bad actors (EEMUA 191: top alarms by count over 24 h)', () => {
  it('ranks by raises, ties by id, with the share of all raises', () => {
    let s = newBadActors(DAY);
    for (const [id, n] of [
      ['a/x/hi', 2],
      ['b/y/hi', 5],
      ['c/z/lo', 2],
      ['d/w/state', 1],
    ] as const)
      for (let i = 0; i < n; i++) s = countRaise(s, id, T0 + i);
    assert.deepEqual(topBadActors(s, T0 + 10, 3), [
      { alarmId: 'b/y/hi', raises: 5, share: 0.5 },
      { alarmId: 'a/x/hi', raises: 2, share: 0.2 },
      { alarmId: 'c/z/lo', raises: 2, share: 0.2 },
    ]);
  });

  it('forgets raises older than the window, by the hour', () => {
    let s = countRaise(newBadActors(DAY), 'old/p/hi', T0);
    s = countRaise(s, 'new/p/hi', T0 + 23 * BUCKET_MS);
    assert.deepEqual(
      topBadActors(s, T0 + 23 * BUCKET_MS + 1, 10).map((b) => b.alarmId),
      ['new/p/hi', 'old/p/hi'],
    );
    assert.deepEqual(
      topBadActors(s, T0 + DAY, 10).map((b) => b.alarmId),
      ['new/p/hi'],
      'the first hour left the 24 h window',
    );
  });
});

describe('standing alarms and stale shelves', () => {
  const event = (alarmId: string, ev: string, state: string, at: number) =>
    ({ alarmId, event: ev, state, detectedAt: iso(at) }) as Parameters<typeof observeAges>[1];

  const rows: { what: string; events: Parameters<typeof observeAges>[1][]; at: number; standing: string[]; stale: string[] }[] = [
    {
      what: 'active for exactly 24 h is not yet standing',
      events: [event('a/p/hi', 'raise', 'unacknowledged', T0)],
      at: T0 + DAY,
      standing: [],
      stale: [],
    },
    {
      what: 'active longer than 24 h is standing',
      events: [event('a/p/hi', 'raise', 'unacknowledged', T0)],
      at: T0 + DAY + 1,
      standing: ['a/p/hi'],
      stale: [],
    },
    {
      what: 'an ack does not restart the age',
      events: [event('a/p/hi', 'raise', 'unacknowledged', T0), event('a/p/hi', 'ack', 'acknowledged', T0 + DAY)],
      at: T0 + DAY + 1,
      standing: ['a/p/hi'],
      stale: [],
    },
    {
      what: 'a clear ends it',
      events: [event('a/p/hi', 'raise', 'unacknowledged', T0), event('a/p/hi', 'clear', 'returned-unacknowledged', T0 + 1000)],
      at: T0 + 2 * DAY,
      standing: [],
      stale: [],
    },
    {
      what: 'a shelve in place longer than the limit is stale; the alarm keeps its age while hidden',
      events: [event('a/p/hi', 'raise', 'unacknowledged', T0), event('a/p/hi', 'shelve', 'shelved', T0 + 1000)],
      at: T0 + DAY + 1001,
      standing: ['a/p/hi'],
      stale: ['a/p/hi'],
    },
    {
      what: 'an unshelve ends a stale shelve',
      events: [event('b/p/lo', 'shelve', 'shelved', T0), event('b/p/lo', 'unshelve', 'normal', T0 + 2 * DAY)],
      at: T0 + 3 * DAY,
      standing: [],
      stale: [],
    },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const state = row.events.reduce(observeAges, newAges());
      assert.deepEqual(
        standingAlarms(state, row.at, DAY).map((a) => a.alarmId),
        row.standing,
      );
      assert.deepEqual(
        staleShelves(state, row.at, DAY).map((a) => a.alarmId),
        row.stale,
      );
    });
  }
});
