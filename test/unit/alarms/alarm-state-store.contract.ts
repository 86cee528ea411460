import assert from 'node:assert/strict';
import type { AlarmEvent } from '@lifeline/twin';
import { NORMAL_LIFECYCLE } from '../../../core/src/alarms/lifecycle.js';
import type { AlarmStateStore, PersistedAlarm } from '../../../gateway/src/alarms/alarm-state-store.js';
import type { AlarmTransition } from '../../../gateway/src/alarms/alarm-transition.js';

/** The behaviour every AlarmStateStore must have; run against each implementation. */
export function alarmStateStoreContract(name: string, open: () => { store: AlarmStateStore; reopen: () => AlarmStateStore }): void {
  describe(`AlarmStateStore contract: ${name}`, () => {
    let opened: ReturnType<typeof open>;
    const stores: AlarmStateStore[] = [];
    beforeEach(() => {
      opened = open();
      stores.push(opened.store);
    });
    afterEach(() => {
      for (const s of stores.splice(0)) s.close();
    });

    const alarm = (id: string, extra: Partial<PersistedAlarm> = {}): PersistedAlarm => ({
      alarmId: id,
      conditionActive: true,
      lifecycle: { ...NORMAL_LIFECYCLE, alarm: 'unacknowledged', active: true, shelvedUntil: 1_700_000_000_000 },
      lastValue: 61.5,
      lastSourceTs: 1_700_000_000_000,
      ...extra,
    });
    const audit = (id: string, event: AlarmTransition['event'], user?: string): AlarmTransition => ({
      event,
      alarmId: id,
      eventId: `${id}#${event}${user ?? ''}@test`,
      device: 'gas-1',
      point: 'lel1',
      condition: 'hihi',
      priority: 1,
      colour: 'red',
      state: 'unacknowledged',
      value: 61.5,
      limit: 50,
      hysteresis: 2,
      unit: '%LEL',
      sourceTs: '2026-01-01T00:00:00.000Z',
      detectedAt: '2026-01-01T00:00:00.001Z',
      ...(user ? { user, comment: 'on it' } : {}),
    });

    it('starts empty', () => {
      assert.deepEqual(opened.store.loadAll(), []);
      assert.deepEqual(opened.store.history(), []);
    });

    it('keeps the latest state per alarm, field for field', () => {
      opened.store.save(alarm('a'));
      opened.store.save(alarm('a', { lastValue: 70 }));
      opened.store.save(alarm('b', { conditionActive: false }));
      const all = opened.store.loadAll().sort((x, y) => x.alarmId.localeCompare(y.alarmId));
      assert.deepEqual(all, [alarm('a', { lastValue: 70 }), alarm('b', { conditionActive: false })]);
    });

    it('appends audit records newest first, filtered by alarm and limited', () => {
      opened.store.save(alarm('a'), audit('a', 'raise'));
      opened.store.save(alarm('b'), audit('b', 'raise'));
      opened.store.save(alarm('a'), audit('a', 'ack', 'li.wei'));
      opened.store.save(alarm('a'));
      assert.deepEqual(
        opened.store.history().map((h) => `${h.alarmId}:${h.event}`),
        ['a:ack', 'b:raise', 'a:raise'],
      );
      assert.deepEqual(opened.store.history({ alarmId: 'a', limit: 1 }), [audit('a', 'ack', 'li.wei')]);
    });

    it('does not share objects with its callers', () => {
      const a = alarm('a');
      opened.store.save(a);
      const loaded = opened.store.loadAll()[0] as { lastValue: number };
      loaded.lastValue = 0;
      assert.equal(opened.store.loadAll()[0]?.lastValue, 61.5);
    });

    const published = (t: AlarmTransition, seq: number): AlarmEvent => ({
      ...t,
      site: 'site-a',
      gateway: 'gw-1',
      bootId: 'boot-1',
      seq,
      publishedAt: '2026-01-01T00:00:00.002Z',
    });

    it('keeps a saved event pending until the outbox has it, then journals its published form, across openings', () => {
      const raise = audit('a', 'raise');
      opened.store.save(alarm('a'), raise);
      assert.deepEqual(opened.store.unpublished(), [raise]);
      assert.deepEqual(opened.store.history(), [raise]);
      opened.store.recordPublished(published(raise, 7));
      assert.deepEqual(opened.store.unpublished(), []);
      const again = opened.reopen();
      stores.push(again);
      assert.deepEqual(again.history(), [published(raise, 7)]);
      assert.deepEqual(again.unpublished(), []);
    });

    it('hands the events never recorded as published to the next opening, oldest first, under their ids', () => {
      const [a, b, c] = [audit('a', 'raise'), audit('b', 'raise'), audit('a', 'ack', 'li.wei')];
      opened.store.save(alarm('a'), a);
      opened.store.save(alarm('b'), b);
      opened.store.save(alarm('a'), c);
      opened.store.recordPublished(published(b, 1));
      const again = opened.reopen();
      stores.push(again);
      assert.deepEqual(again.unpublished(), [a, c]);
      assert.equal(again.journalId, opened.store.journalId, 'the journal id is made once and kept');
    });

    it('never journals a published event it did not save, nor one twice', () => {
      const raise = audit('a', 'raise');
      opened.store.save(alarm('a'), raise);
      opened.store.recordPublished(published(audit('b', 'raise'), 2));
      assert.deepEqual(opened.store.history(), [raise]);
      opened.store.recordPublished(published(raise, 3));
      opened.store.recordPublished(published(raise, 4));
      assert.deepEqual(opened.store.history(), [published(raise, 3)]);
    });

    it('hands state and history to the next opening', () => {
      opened.store.save(alarm('a'), audit('a', 'raise'));
      const again = opened.reopen();
      stores.push(again);
      assert.deepEqual(again.loadAll(), [alarm('a')]);
      assert.deepEqual(again.history(), [audit('a', 'raise')]);
    });
  });
}
