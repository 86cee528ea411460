import assert from 'node:assert/strict';
import type { TwinPatch } from '@lifeline/twin';
import type { CentreStore, StoreChange } from '@lifeline/twin/centre';
import { alarm, newTwin, status } from './centre-fixtures.js';

const AT = '2026-01-01T00:00:05.000Z';

/**
 * What every CentreStore must do (memory and PostgreSQL run this same suite):
 * versions only forward, alarm events once, answers and status history kept.
 */
export function centreStoreContract(name: string, open: () => Promise<CentreStore>): void {
  describe(`CentreStore contract: ${name}`, () => {
    let store: CentreStore;

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a snapshot, applies the next patch, and refuses stale, gap and other-boot patches', async () => {
      const twin = newTwin();
      assert.equal((await store.applySnapshot(twin.snapshot(0))).kind, 'applied');
      twin.set(['alarmSeq'], 1);
      const p2 = twin.takePatch(0) as TwinPatch;
      twin.set(['alarmSeq'], 2);
      const p3 = twin.takePatch(0) as TwinPatch;
      assert.equal((await store.applyPatch(p3)).kind, 'gap', 'a patch on top of a version we lack');
      assert.equal((await store.applyPatch(p2)).kind, 'applied');
      assert.equal((await store.applyPatch(p2)).kind, 'stale', 'a redelivered patch');
      assert.equal((await store.applyPatch(p3)).kind, 'applied');
      assert.equal((await store.applyPatch({ ...p3, bootId: 'other', base: 3, version: 4 })).kind, 'gap');
      const view = await store.twin('s1', 'g1');
      assert.equal(view?.version, 3);
      assert.deepEqual(view?.reported, twin.reported);
      assert.equal(view?.bootId, 'b1');
    });

    it("writes a batch at once: one gateway's patches in any order, an event delivered twice stored once, outcomes in order", async () => {
      const twin = newTwin();
      const other = newTwin('b7', 's1', 'g2');
      const first = twin.snapshot(0);
      twin.set(['alarmSeq'], 1);
      const p2 = twin.takePatch(0) as TwinPatch;
      twin.set(['alarmSeq'], 2);
      const p3 = twin.takePatch(0) as TwinPatch;
      const event = alarm(1, 'unacknowledged');
      const outcomes = await store.write([
        { kind: 'patch', patch: p3 },
        { kind: 'alarm', event, receivedAt: AT },
        { kind: 'patch', patch: p2 },
        { kind: 'snapshot', snapshot: first },
        { kind: 'alarm', event, receivedAt: AT },
        { kind: 'snapshot', snapshot: other.snapshot(0) },
        { kind: 'patch', patch: { ...p3, base: 5, version: 6 } },
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.kind),
        ['applied', 'journalled', 'applied', 'applied', 'duplicate', 'applied', 'gap'],
      );
      assert.deepEqual((await store.twin('s1', 'g1'))?.reported, twin.reported);
      assert.equal((await store.twin('s1', 'g1'))?.version, 3);
      assert.equal((await store.twin('s1', 'g2'))?.bootId, 'b7');
      assert.equal((await store.journal({})).length, 1);
      assert.deepEqual(
        (await store.write([{ kind: 'patch', patch: p2 }])).map((o) => o.kind),
        ['stale'],
        'the next batch sees what this one stored',
      );
    });

    it('summarises each gateway with the devices and the outbox backlog its twin reports', async () => {
      const twin = newTwin();
      await store.write([{ kind: 'snapshot', snapshot: twin.snapshot(0) }]);
      assert.equal((await store.gateways())[0]?.outboxBacklog, undefined, 'not reported yet');
      twin.set(['gateway', 'outboxBacklog'], { centre: { alarm: 1, twin: 0, telemetry: 40 } });
      await store.write([{ kind: 'patch', patch: twin.takePatch(0) as TwinPatch }]);
      const [g] = await store.gateways();
      assert.deepEqual([g?.devicesOnline, g?.devicesTotal], [1, 1]);
      assert.deepEqual(g?.outboxBacklog, { centre: { alarm: 1, twin: 0, telemetry: 40 } });
    });

    it('keeps the newer twin: an older snapshot of the same boot or of an earlier boot is stale', async () => {
      const twin = newTwin();
      const v1 = twin.snapshot(0);
      twin.set(['alarmSeq'], 1);
      twin.takePatch(0);
      await store.applySnapshot(twin.snapshot(0));
      assert.equal((await store.applySnapshot(v1)).kind, 'stale');
      const later = { ...newTwin('b2').snapshot(0), ts: '2026-02-01T00:00:00.000Z' };
      assert.equal((await store.applySnapshot(later)).kind, 'applied');
      assert.equal((await store.applySnapshot({ ...v1, ts: '2025-01-01T00:00:00.000Z' })).kind, 'stale');
      assert.equal((await store.twin('s1', 'g1'))?.bootId, 'b2');
    });

    it('journals an alarm event once, however often it is delivered, and lists it active until it clears', async () => {
      await store.applySnapshot(newTwin().snapshot(0));
      assert.equal(await store.appendAlarm(alarm(1, 'unacknowledged'), AT), true);
      assert.equal(await store.appendAlarm(alarm(1, 'unacknowledged'), AT), false);
      assert.equal(await store.appendAlarm(alarm(1, 'unacknowledged', 'b0'), AT), true, 'the same seq of another boot is another event');
      assert.deepEqual(
        (await store.activeAlarms()).map((a) => [a.site, a.gateway, a.alarmId, a.state]),
        [['s1', 'g1', 'd1/p1/hihi', 'unacknowledged']],
      );
      await store.appendAlarm(alarm(2, 'normal'), AT);
      assert.deepEqual(await store.activeAlarms(), []);
      const journal = await store.journal({ site: 's1' });
      assert.deepEqual(
        journal.map((r) => [r.bootId, r.seq]),
        [
          ['b1', 2],
          ['b0', 1],
          ['b1', 1],
        ],
      );
      assert.equal((await store.journal({ text: 'HIHI', event: 'clear' })).length, 1);
      assert.equal((await store.journal({ text: 'nothing-like-this' })).length, 0);
      assert.equal((await store.gateways())[0]?.activeAlarms, 0);
    });

    it('journals an event republished after a crash (a new boot id and seq, the same eventId) once', async () => {
      const first = alarm(7, 'unacknowledged', 'b1');
      assert.equal(await store.appendAlarm(first, AT), true);
      // The gateway saved it, died before recording it as handed over, and published it again on its next boot.
      assert.equal(await store.appendAlarm({ ...alarm(1, 'unacknowledged', 'b2'), eventId: first.eventId }, AT), false);
      assert.equal(await store.appendAlarm({ ...first, gateway: 'g2' }, AT), true, 'the same id from another gateway is its own');
      assert.deepEqual(
        (await store.journal({ site: 's1' })).map((r) => [r.gateway, r.bootId, r.seq]),
        [
          ['g2', 'b1', 7],
          ['g1', 'b1', 7],
        ],
      );
    });

    it('keeps the gateway status and its history, and counts refused messages with the last reason', async () => {
      await store.recordStatus('s1', 'g1', status(true), AT);
      await store.recordStatus('s1', 'g1', status(false, '2026-01-01T00:01:00.000Z'), AT);
      await store.recordStatus('s1', 'g1', status(true), AT); // a late, older status changes nothing now
      await store.recordRejection('s1', 'g1', 'first', AT);
      await store.recordRejection('s1', 'g1', 'payload names s2/g1, topic is s1/g1', AT);
      const [g] = await store.gateways();
      assert.equal(g?.online, false);
      assert.equal(g?.rejectedMessages, 2);
      assert.equal(g?.lastRejection, 'payload names s2/g1, topic is s1/g1');
      assert.ok(g?.lastSeen);
      assert.deepEqual(
        (await store.statusHistory('s1', 'g1')).map((s) => s.online).sort(),
        [false, true],
        'one row per transition, not per delivery',
      );
    });

    it('lets one caller claim a resync per interval, and again at once after a full twin', async () => {
      assert.equal(await store.claimResync('s1', 'g1', 1000, 500), true);
      assert.equal(await store.claimResync('s1', 'g1', 1200, 500), false);
      assert.equal(await store.claimResync('s1', 'g1', 1500, 500), true);
      await store.clearResync('s1', 'g1');
      assert.equal(await store.claimResync('s1', 'g1', 1501, 500), true);
      assert.equal((await store.gateways())[0]?.resyncs, 3);
    });

    it('records who sent a request and the gateway answer, once', async () => {
      await store.recordRequest({
        clientToken: 't1',
        site: 's1',
        gateway: 'g1',
        name: 'ack',
        body: { alarmId: 'd1/p1/hihi' },
        operator: 'alice',
        sentAt: AT,
      });
      await store.recordAnswer('t1', true, { ok: true, state: 'acknowledged' }, AT);
      await store.recordAnswer('t1', false, { ok: false }, AT);
      const [r] = await store.requests({ site: 's1' });
      assert.deepEqual(
        [r?.operator, r?.name, r?.ok, (r?.answer as { state?: string } | undefined)?.state],
        ['alice', 'ack', true, 'acknowledged'],
      );
    });

    it('tells watchers what it stored', async () => {
      const seen: StoreChange[] = [];
      const unwatch = store.watch((c) => seen.push(c));
      await new Promise((r) => setTimeout(r, 100)); // PostgreSQL: LISTEN is in place
      await store.applySnapshot(newTwin().snapshot(0));
      await store.appendAlarm(alarm(1, 'unacknowledged'), AT);
      const deadline = Date.now() + 3000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      unwatch();
      assert.deepEqual(
        seen.map((c) => c.type),
        ['twin', 'alarm'],
      );
    });
  });
}
