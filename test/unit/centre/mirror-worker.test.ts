import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TwinPatch } from '@lifeline/twin';
import { CENTRE_ERRORS, MemoryCentreStore, MirrorWorker, type WorkerEvent } from '@lifeline/twin/centre';
import { pino } from 'pino';
import { REPO_ROOT } from '../../support/fixtures.js';
import { alarm, newTwin, status } from './centre-fixtures.js';

describe('centre: the stateless mirror worker', () => {
  let now: number;
  let store: MemoryCentreStore;
  let worker: MirrorWorker;
  let events: WorkerEvent[];
  let slept: number[];
  const send = (suffix: string, body: unknown, site = 's1', gateway = 'g1') =>
    worker.handle(`lifeline/v1/${site}/${gateway}/${suffix}`, typeof body === 'string' ? body : JSON.stringify(body));
  const resyncs = () => events.filter((e) => e.type === 'resync');
  const rejected = async () => (await store.gateways()).find((g) => g.gateway === 'g1')?.rejectedMessages;

  beforeEach(() => {
    now = 0;
    slept = [];
    store = new MemoryCentreStore();
    worker = new MirrorWorker({
      store,
      log: pino({ level: 'silent' }),
      resyncRetryMs: 1000,
      gapRetryDelaysMs: [10, 20],
      now: () => now,
      // Fake time: a sleep moves the clock on, so a patch waiting out another resync gets its own turn.
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    events = [];
    worker.on('event', (e) => events.push(e));
  });

  it('stores status and lists the gateway online, then offline', async () => {
    await send('status', status(true));
    assert.equal((await store.gateways())[0]?.online, true);
    await send('status', status(false, '2026-01-01T00:00:01.000Z'));
    assert.equal((await store.gateways())[0]?.online, false);
  });

  it('retries a gap (the missing patch may be in flight elsewhere), then asks for one resync per interval, and a later gap waits for its own', async () => {
    const twin = newTwin();
    await send('twin', twin.snapshot(0));
    twin.set(['alarmSeq'], 1);
    twin.takePatch(0); // lost
    twin.set(['alarmSeq'], 2);
    await send('twin/patch', twin.takePatch(0));
    assert.deepEqual(slept, [10, 20]);
    assert.equal(resyncs().length, 1);
    twin.set(['alarmSeq'], 3);
    slept = [];
    // The first resync may predate this patch: it waits, looking again every quarter interval, for a resync of its own.
    await send('twin/patch', twin.takePatch(0));
    assert.deepEqual(slept, [10, 20, 250, 250, 250, 250]);
    assert.equal(resyncs().length, 2, 'one more resync, once the interval since the first is over');
    await send('twin', twin.snapshot(0));
    const view = await store.twin('s1', 'g1');
    assert.equal(view?.version, twin.version);
    assert.deepEqual(view?.reported, twin.reported);
  });

  it('with one ordered subscription (waitForOwnResync false) a gap whose resync is outstanding is left to that resync', async () => {
    worker = new MirrorWorker({
      store,
      log: pino({ level: 'silent' }),
      resyncRetryMs: 1000,
      gapRetryDelaysMs: [],
      waitForOwnResync: false,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    worker.on('event', (e) => events.push(e));
    const twin = newTwin();
    await send('twin', twin.snapshot(0));
    twin.set(['alarmSeq'], 1);
    twin.takePatch(0); // lost
    for (const seq of [2, 3]) {
      twin.set(['alarmSeq'], seq);
      await send('twin/patch', twin.takePatch(0));
    }
    assert.equal(resyncs().length, 1);
    assert.deepEqual(slept, [], 'nothing waited: the full twin answering the first resync comes before any later patch');
  });

  it('a gap whose resync is outstanding ends when the full twin covers it, without asking again', async () => {
    const twin = newTwin();
    await send('twin', twin.snapshot(0));
    twin.set(['alarmSeq'], 1);
    twin.takePatch(0); // lost
    twin.set(['alarmSeq'], 2);
    await send('twin/patch', twin.takePatch(0));
    assert.equal(resyncs().length, 1);
    twin.set(['alarmSeq'], 3);
    const third = twin.takePatch(0) as TwinPatch;
    const answer = twin.snapshot(0); // the gateway's full twin, version 3, answering the first resync
    let answered = false;
    worker = new MirrorWorker({
      store,
      log: pino({ level: 'silent' }),
      resyncRetryMs: 1000,
      gapRetryDelaysMs: [10],
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        // It lands while the third patch waits out the interval.
        if (ms === 250 && !answered) {
          answered = true;
          await store.applySnapshot(answer);
        }
      },
    });
    worker.on('event', (e) => events.push(e));
    await send('twin/patch', third);
    assert.ok(answered, 'the patch waited');
    assert.equal(resyncs().length, 1, 'no second resync: the full twin covers the patch');
    assert.equal((await store.twin('s1', 'g1'))?.version, third.version);
  });

  it('applies a patch that arrives while waiting for the one before it', async () => {
    const twin = newTwin();
    await send('twin', twin.snapshot(0));
    twin.set(['alarmSeq'], 1);
    const first = twin.takePatch(0) as TwinPatch;
    twin.set(['alarmSeq'], 2);
    const second = twin.takePatch(0) as TwinPatch;
    // The first patch lands (at another consumer) while the second waits out its first retry delay.
    worker = new MirrorWorker({
      store,
      log: pino({ level: 'silent' }),
      gapRetryDelaysMs: [10],
      sleep: () => store.applyPatch(first).then(() => undefined),
    });
    worker.on('event', (e) => events.push(e));
    await send('twin/patch', second);
    assert.equal((await store.twin('s1', 'g1'))?.version, second.version);
    assert.equal(resyncs().length, 0);
  });

  it('journals alarm events once and shows them active before the twin does', async () => {
    await send('twin', newTwin().snapshot(0));
    await send('alarms', alarm(1, 'unacknowledged'));
    await send('alarms', alarm(1, 'unacknowledged'));
    assert.equal((await store.journal({})).length, 1);
    assert.deepEqual(
      (await store.activeAlarms()).map((a) => [a.site, a.gateway, a.alarmId, a.state]),
      [['s1', 'g1', 'd1/p1/hihi', 'unacknowledged']],
    );
  });

  it('refuses forged and malformed payloads with a reason, counted per gateway, and keeps the twin intact', async () => {
    const twin = newTwin();
    await send('twin', twin.snapshot(0));
    const before = await store.twin('s1', 'g1');
    await send('twin', { nonsense: true });
    await send('twin/patch', 'not json');
    // Another site's gateway publishing under s1/g1's topics:
    await send('twin', { ...newTwin('b9', 's2', 'g1').snapshot(0), version: 50 });
    await send('alarms', alarm(7, 'unacknowledged', 'b1', 's2', 'g1'));
    twin.set(['alarmSeq'], 1);
    const patch = twin.takePatch(0) as TwinPatch;
    await send('twin/patch', { ...patch, version: patch.base + 5 });
    await send('twin/patch', { ...patch, patch: { alarmSeq: 'many' }, base: 'one' });
    assert.equal(await rejected(), 6);
    const g = (await store.gateways()).find((x) => x.gateway === 'g1');
    assert.match(g?.lastRejection ?? '', /base/);
    assert.deepEqual(await store.twin('s1', 'g1'), before);
    assert.equal((await store.journal({})).length, 0);
    assert.equal((await store.gateways()).length, 1, 'a forged payload creates no gateway of its own');
    await send('twin/patch', patch);
    assert.equal((await store.twin('s1', 'g1'))?.version, patch.version, 'the gateway keeps working');
  });

  it('passes answers to its owner and ignores topics outside the contract', async () => {
    const result = { clientToken: 'c1', command: 'ack', ok: true, bootId: 'b1', ts: '2026-01-01T00:00:00.000Z' };
    await send('cmd/ack/result', result);
    await worker.handle('other/topic', '{}');
    assert.deepEqual(events, [{ type: 'command-result', site: 's1', gateway: 'g1', result }]);
  });

  it('docs/errors.md lists every centre error code', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
    for (const code of Object.keys(CENTRE_ERRORS)) assert.ok(doc.includes(`\`${code}\``), `${code} missing from docs/errors.md`);
  });
});
