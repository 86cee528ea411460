import assert from 'node:assert/strict';
import { systemClock } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import sinon from 'sinon';
import { DEFAULTS } from '../../../core/src/index.js';
import type { AlarmTransition } from '../../../gateway/src/alarms/alarm-transition.js';
import { AlarmAnalytics } from '../../../gateway/src/analytics/alarm-analytics.js';
import type { AnalyticsSnapshot } from '../../../gateway/src/analytics/analytics-snapshot.js';
import type { ChatterStart } from '../../../gateway/src/analytics/auto-shelve.js';
import { autoShelveDecision } from '../../../gateway/src/analytics/auto-shelve.js';

const CONFIG = {
  floodStart: DEFAULTS.floodStart,
  floodEnd: DEFAULTS.floodEnd,
  floodWindowMs: DEFAULTS.floodWindowMs,
  chatterRaises: DEFAULTS.chatterRaises,
  chatterWindowMs: DEFAULTS.chatterWindowMs,
  standingMs: DEFAULTS.standingMs,
  staleShelveMs: DEFAULTS.staleShelveMs,
  badActorWindowMs: DEFAULTS.badActorWindowMs,
  badActors: DEFAULTS.badActors,
  tickMs: 1000,
};

let seq = 0;
function event(alarmId: string, kind: AlarmEvent['event'], state: AlarmEvent['state'], priority: AlarmEvent['priority'] = 2): AlarmEvent {
  const [device = '', point = '', condition = 'hi'] = alarmId.split('/');
  const now = new Date().toISOString();
  seq += 1;
  return {
    event: kind,
    alarmId,
    eventId: `${alarmId}#${seq}@test`,
    site: 's',
    gateway: 'gw-1',
    device,
    point,
    condition: condition as AlarmEvent['condition'],
    priority,
    colour: 'orange',
    state,
    value: 1,
    limit: 1,
    hysteresis: 0,
    unit: '',
    sourceTs: now,
    detectedAt: now,
    publishedAt: now,
    seq,
    bootId: 'b',
  };
}

describe('AlarmAnalytics (fake clock)', () => {
  let clock: sinon.SinonFakeTimers;
  let published: AlarmTransition[];
  let chatters: ChatterStart[];
  let changes: AnalyticsSnapshot[];
  let analytics: AlarmAnalytics;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2026, 0, 15, 8), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    published = [];
    chatters = [];
    changes = [];
    analytics = new AlarmAnalytics({
      config: CONFIG,
      gateway: 'gw-1',
      clock: systemClock,
      publish: (t) => published.push(t),
      onChatter: (c) => chatters.push(c),
      onChange: (s) => changes.push(s),
    });
    analytics.start();
  });
  afterEach(() => {
    analytics.stop();
    clock.restore();
  });

  it('an 11th alarm within 10 min starts a flood; it ends when the rate falls below 5', async () => {
    for (let i = 0; i < 10; i++) {
      analytics.observe(event(`d${i}/p/hi`, 'raise', 'unacknowledged'));
      await clock.tickAsync(30_000);
    }
    assert.equal(published.length, 0, '10 in 10 min is not a flood');
    analytics.observe(event('d10/p/hi', 'raise', 'unacknowledged'));
    assert.equal(published.length, 1);
    const start = published[0] as AlarmTransition;
    assert.deepEqual(
      [start.alarmId, start.event, start.condition, start.priority, start.state, start.value, start.limit],
      ['gw-1/alarms/flood', 'raise', 'flood', 4, 'unacknowledged', 11, 10],
    );
    assert.match(start.eventId, /^gw-1\/alarms\/flood#1@[0-9a-f]{8}$/, 'a stable event id, numbered per alarm');
    assert.equal(analytics.snapshot().flood.active, true);
    assert.deepEqual(
      analytics.activeAlarms().map((t) => t.alarmId),
      ['gw-1/alarms/flood'],
      'listed while raised',
    );
    // Alarms 0…10 were raised at 0, 30 s, …, 300 s; the rate falls below 5 when the 7th leaves the window (at 780 s + a tick).
    await clock.tickAsync(600_000 - 300_000 + 6 * 30_000 - 1000);
    assert.equal(published.length, 1, 'still 5 in the window');
    await clock.tickAsync(2000);
    assert.equal(published.length, 2);
    const end = published[1] as AlarmTransition;
    assert.match(end.eventId, /^gw-1\/alarms\/flood#2@/);
    assert.deepEqual([end.event, end.state, end.value, end.limit], ['clear', 'normal', 4, 5]);
    assert.match(end.reason ?? '', /1 alarm\(s\) during the flood, peak 11/);
    assert.equal(analytics.snapshot().floods, 1);
    assert.deepEqual(analytics.activeAlarms(), []);
  });

  it('acks, clears and its own flood and chatter events do not count as annunciated alarms', () => {
    for (let i = 0; i < 20; i++) analytics.observe(event(`d${i}/p/hi`, 'ack', 'acknowledged'));
    for (let i = 0; i < 20; i++) analytics.observe(event(`d${i}/p/hi`, 'clear', 'normal'));
    for (let i = 0; i < 20; i++) analytics.observe(event(`gw-1/alarms/flood`, 'raise', 'unacknowledged', 4));
    assert.equal(analytics.snapshot().rate, 0);
    assert.equal(published.length, 0);
  });

  it('an alarm raising 3 times in 60 s is chattering: a chatter event, the auto-shelve hook, and its end', async () => {
    for (const gap of [0, 20_000, 20_000]) {
      await clock.tickAsync(gap);
      analytics.observe(event('gas-1/lel2/hi', 'raise', 'unacknowledged'));
      analytics.observe(event('gas-1/lel2/hi', 'clear', 'returned-unacknowledged'));
    }
    assert.equal(published.length, 1);
    const chatter = published[0] as AlarmTransition;
    assert.deepEqual(
      [chatter.alarmId, chatter.condition, chatter.event, chatter.priority, chatter.value, chatter.limit],
      ['gas-1/lel2/chatter', 'chatter', 'raise', 4, 3, 3],
    );
    assert.deepEqual(chatters, [{ alarmId: 'gas-1/lel2/hi', priority: 2, raises: 3 }]);
    assert.deepEqual(changes.at(-1)?.chattering, ['gas-1/lel2/hi'], 'a chatter edge is reported at once');
    assert.deepEqual(analytics.snapshot().chattering, ['gas-1/lel2/hi']);
    await clock.tickAsync(59_000);
    assert.equal(published.length, 1, 'the last raise is still in the window');
    await clock.tickAsync(2000);
    assert.deepEqual(
      published.map((t) => `${t.alarmId} ${t.event}`),
      ['gas-1/lel2/chatter raise', 'gas-1/lel2/chatter clear'],
    );
    assert.deepEqual(analytics.snapshot().chattering, []);
    assert.deepEqual(analytics.snapshot().badActors, [{ alarmId: 'gas-1/lel2/hi', raises: 3, share: 1 }]);
  });

  it('reports a change only when the snapshot changes (by exception)', async () => {
    await clock.tickAsync(1000);
    assert.equal(changes.length, 1, 'the first tick reports the analytics once');
    await clock.tickAsync(10_000);
    assert.equal(changes.length, 1, 'ticks without alarms change nothing');
    analytics.observe(event('a/p/hi', 'raise', 'unacknowledged'));
    assert.equal(changes.length, 1, 'an alarm is reported with the next tick, not on its own');
    await clock.tickAsync(1000);
    assert.equal(changes.length, 2);
    assert.equal(changes[1]?.rate, 1);
    await clock.tickAsync(10_000);
    assert.equal(changes.length, 2, 'the alarm ageing is not a change');
  });

  it('a standing alarm and a stale shelve appear after 24 h', async () => {
    analytics.observe(event('a/p/hi', 'raise', 'unacknowledged'));
    analytics.observe(event('b/p/lo', 'shelve', 'shelved'));
    await clock.tickAsync(86_400_000 + 1000);
    const s = analytics.snapshot();
    assert.deepEqual(
      s.standing.map((a) => a.alarmId),
      ['a/p/hi'],
    );
    assert.deepEqual(
      s.staleShelves.map((a) => a.alarmId),
      ['b/p/lo'],
    );
    assert.ok((changes.at(-1)?.standing.length ?? 0) === 1, 'reported when it became standing');
  });
});

describe('auto-shelve decision', () => {
  const rows = [
    { what: 'off unless configured', chatter: { alarmId: 'a/p/hi', priority: 2, raises: 3 }, config: undefined, shelve: undefined },
    {
      what: 'never priority 1',
      chatter: { alarmId: 'a/p/hihi', priority: 1, raises: 9 },
      config: { chatteringMs: 600_000 },
      shelve: undefined,
    },
    {
      what: 'priority 2–4 for the configured time',
      chatter: { alarmId: 'a/p/hi', priority: 3, raises: 3 },
      config: { chatteringMs: 600_000 },
      shelve: 600_000,
    },
  ] as const;
  for (const row of rows) it(row.what, () => assert.equal(autoShelveDecision(row.chatter, row.config)?.durationMs, row.shelve));
});
