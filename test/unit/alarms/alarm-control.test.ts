import assert from 'node:assert/strict';
import { join } from 'node:path';
import sinon from 'sinon';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { AlarmEngine, type AlarmTransition } from '../../../gateway/src/alarms/alarm-engine.js';
import { SqliteAlarmStateStore } from '../../../gateway/src/alarms/sqlite-alarm-state-store.js';
import { FIXTURES } from '../../support/fixtures.js';
import { tempStateDir } from '../../support/state-dir.js';

const HIHI = 'gas-1/lel1/hihi';
const ops = { user: 'li.wei', comment: 'checked on site' };

describe('alarm engine: control, suppression and restart', () => {
  let site: SiteConfig;
  let clock: sinon.SinonFakeTimers;
  let engine: AlarmEngine;
  let events: AlarmTransition[];

  before(async () => {
    site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
  });
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    events = [];
    engine = open();
  });
  afterEach(() => {
    engine.stop();
    clock.restore();
  });

  /** `published`: the listener records each event as the outbox's, as the gateway does; else it stays pending. */
  function open(store?: SqliteAlarmStateStore, published = true): AlarmEngine {
    const e = new AlarmEngine(site.devices, systemClock, store ? { store } : {});
    e.on('transition', (t) => {
      events.push(t);
      const stamp = { site: 's', gateway: 'g', bootId: 'b', seq: events.length, publishedAt: new Date().toISOString() };
      if (published) store?.recordPublished({ ...t, ...stamp });
    });
    e.start();
    return e;
  }
  /** Swaps the test's engine for one on a fresh SQLite journal, raises HIHI and acks it. */
  function raisedAndAcked(): { file: string; first: SqliteAlarmStateStore } {
    engine.stop();
    const file = join(tempStateDir(), 'alarms.db');
    const first = new SqliteAlarmStateStore(file);
    engine = open(first);
    feed(60);
    engine.ack(HIHI, ops);
    return { file, first };
  }
  const feed = (value: number) =>
    engine.evaluate({ device: 'gas-1', point: 'lel1', value, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() });
  const last = () => events.at(-1) as AlarmTransition;

  it('ack with user and comment publishes an ack event; acking twice is refused with a reason', () => {
    feed(60);
    assert.deepEqual(engine.ack(HIHI, ops), { ok: true, alarmId: HIHI, state: 'acknowledged' });
    assert.equal(last().event, 'ack');
    assert.equal(last().user, 'li.wei');
    assert.equal(last().comment, 'checked on site');
    const again = engine.ack(HIHI, ops);
    assert.equal(again.ok, false);
    assert.ok(!again.ok && again.code === 'LL_ERR_ALARM_COMMAND' && /nothing to acknowledge/.test(again.reason));
    assert.deepEqual(engine.ack('gas-1/lel1/nope', ops), { ok: false, code: 'LL_ERR_ALARM_UNKNOWN', reason: 'no alarm "gas-1/lel1/nope"' });
  });

  it('timed shelving hides raises and unshelves itself at expiry, re-annunciating an active condition', () => {
    const shelved = engine.shelve(HIHI, 60_000, ops);
    assert.deepEqual(shelved, { ok: true, alarmId: HIHI, state: 'shelved' });
    assert.equal(last().shelvedUntil, '2026-01-01T00:01:00.000Z');
    feed(60);
    assert.equal(events.filter((e) => e.alarmId === HIHI).length, 1, 'no raise while shelved');
    clock.tick(60_000);
    assert.equal(last().event, 'unshelve');
    assert.equal(last().state, 'unacknowledged');
    assert.equal(last().user, 'system');
    assert.equal(last().reason, 'shelve expired');
    assert.equal(engine.shelve(HIHI, 0, ops).ok, false);
  });

  it('unshelve by an operator cancels the expiry', () => {
    engine.shelve(HIHI, 60_000, ops);
    assert.equal(engine.unshelve(HIHI, ops).ok, true);
    clock.tick(120_000);
    assert.deepEqual(
      events.map((e) => e.event),
      ['shelve', 'unshelve'],
    );
  });

  it('out of service hides the alarm until returned to service', () => {
    assert.deepEqual(engine.removeFromService(HIHI, ops), { ok: true, alarmId: HIHI, state: 'out-of-service' });
    feed(60);
    assert.equal(engine.ack(HIHI, ops).ok, false);
    assert.equal(engine.returnToService(HIHI, ops).ok, true);
    assert.deepEqual(
      events.map((e) => `${e.event}:${e.state}`),
      ['out-of-service:out-of-service', 'in-service:unacknowledged'],
    );
  });

  it('a device going offline gives one comm alarm, suppresses its active alarms and restores them when back', () => {
    feed(60);
    events.length = 0;
    engine.deviceComm('gas-1', false, 'timeout');
    assert.deepEqual(
      events.map((e) => `${e.alarmId}:${e.event}:${e.state}`),
      ['gas-1/comm/comm:raise:unacknowledged', `${HIHI}:suppress:suppressed`],
    );
    engine.deviceComm('gas-1', false, 'timeout');
    assert.equal(events.length, 2, 'offline twice is one event');
    engine.deviceComm('gas-1', true);
    assert.deepEqual(
      events.slice(2).map((e) => `${e.alarmId}:${e.event}:${e.state}`),
      ['gas-1/comm/comm:clear:returned-unacknowledged', `${HIHI}:unsuppress:unacknowledged`],
    );
  });

  it('applies limit changes all or nothing, with every reason', () => {
    const bad = engine.applyLimits([
      { device: 'gas-1', point: 'lel1', condition: 'hihi', value: 20 },
      { device: 'gas-1', point: 'lel1', condition: 'hi', hysteresis: -1 },
      { device: 'gas-1', point: 'nope', condition: 'hi', value: 1 },
    ]);
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok);
    assert.deepEqual(bad.reasons, [
      'changes[1] gas-1/lel1/hi: hysteresis must be ≥ 0',
      'changes[2] gas-1/nope/hi: no such device point',
      'gas-1/lel1: hi (25) must be below hihi (20)',
    ]);
    assert.equal(engine.limits().find((l) => l.condition === 'hihi' && l.point === 'lel1')?.value, 50, 'nothing applied');
    assert.deepEqual(engine.applyLimits([{ device: 'gas-1', point: 'lel1', condition: 'hihi', value: 40, onDelayMs: 0 }]), { ok: true });
    feed(45);
    assert.equal(last().alarmId, HIHI);
    assert.equal(last().limit, 40);
    assert.deepEqual(engine.applyLimits([{ device: 'gas-1', point: 'lel1', condition: 'hihi', enabled: false }]), { ok: true });
    assert.equal(last().event, 'clear');
    assert.equal(engine.limits().find((l) => l.condition === 'hihi' && l.point === 'lel1')?.enabled, false);
  });

  it('restores persisted state before the first evaluation, and keeps the audit trail', () => {
    const { file, first } = raisedAndAcked();
    engine.shelve('gas-1/lel2/hihi', 30_000, ops);
    engine.stop();
    first.close();
    events.length = 0;

    const second = new SqliteAlarmStateStore(file);
    try {
      engine = open(second);
      assert.deepEqual(
        engine.activeAlarms().map((a) => `${a.alarmId}:${a.state}`),
        [`${HIHI}:acknowledged`, 'gas-1/lel2/hihi:shelved'],
      );
      feed(61); // still active: no second raise after the restart
      assert.equal(events.length, 0);
      feed(40);
      clock.tick(300);
      assert.equal(last().event, 'clear');
      assert.equal(last().state, 'normal', 'acknowledged before the restart, so it returns to normal');
      clock.tick(30_000);
      assert.equal(last().alarmId, 'gas-1/lel2/hihi');
      assert.equal(last().event, 'unshelve', 'the shelve expiry survived the restart');
      assert.deepEqual(
        engine.history({ alarmId: HIHI }).map((h) => h.event),
        ['clear', 'ack', 'raise'],
      );
    } finally {
      engine.stop();
      second.close();
    }
  });

  it('gives each transition its own stable id and publishes what a crash left pending again, under the same id', () => {
    const { file, first } = raisedAndAcked();
    engine.stop();
    engine = open(first, false); // the outbox never confirms the next event: as if killed between save and publish
    feed(40);
    clock.tick(300);
    engine.stop();
    first.close();
    const [raise, ack, clear] = events;
    assert.equal(raise?.eventId, `${HIHI}#1@${first.journalId}`);
    assert.equal(ack?.eventId, `${HIHI}#2@${first.journalId}`);
    assert.equal(clear?.event, 'clear');
    events.length = 0;

    const second = new SqliteAlarmStateStore(file);
    try {
      engine = open(second);
      assert.deepEqual(events, [clear], 'the pending clear again, as it was saved');
      events.length = 0;
      engine.stop();
      engine = open(second);
      assert.deepEqual(events, [], 'recorded as published by then: not again');
      feed(60);
      assert.equal(last().eventId, `${HIHI}#4@${first.journalId}`, 'the count goes on from the saved state');
    } finally {
      engine.stop();
      second.close();
    }
  });
});
