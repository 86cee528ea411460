import assert from 'node:assert/strict';
import type { Lane, OutboxEntry, OutboxStore, OutboxStoreOptions } from '../../../gateway/src/store/outbox-store.js';

/** What every OutboxStore must do: one suite, run against each implementation (STYLE.md §8). */
export function outboxStoreContract(name: string, open: (options: OutboxStoreOptions) => OutboxStore): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let store: OutboxStore | undefined;
    let now = 1_000_000;
    const make = (overrides: Partial<OutboxStoreOptions> = {}): OutboxStore => {
      store = open({
        sinks: { centre: ['alarm', 'twin', 'telemetry'], influx: ['telemetry'] },
        budgetBytes: 1_000_000,
        telemetryRetentionMs: 0,
        now: () => now,
        ...overrides,
      });
      return store;
    };
    const entry = (lane: Lane, payload = `{"n":1}`): OutboxEntry => ({ lane, topic: `t/${lane}`, payload });
    const seqs = (s: OutboxStore, sink: string, lane: Lane) => s.read(s.cursor(sink, lane), 1000).map((r) => r.seq);

    afterEach(() => {
      store?.close();
      store = undefined;
      now = 1_000_000;
    });

    it('numbers appends with one increasing seq across lanes and returns them', () => {
      const s = make();
      const records = s.append([entry('telemetry'), entry('alarm'), entry('twin')]);
      assert.deepEqual(
        records.map((r) => [r.seq, r.lane]),
        [
          [1, 'telemetry'],
          [2, 'alarm'],
          [3, 'twin'],
        ],
      );
      assert.equal(records[1]?.createdAt, now);
      assert.equal(s.append([entry('alarm')])[0]?.seq, 4);
    });

    it('reads one lane after a cursor, oldest first, at most n', () => {
      const s = make();
      s.append([entry('telemetry', 'a'), entry('alarm', 'x'), entry('telemetry', 'b'), entry('telemetry', 'c')]);
      assert.deepEqual(
        s.read({ sink: 'centre', lane: 'telemetry', after: 0 }, 2).map((r) => r.payload),
        ['a', 'b'],
      );
      assert.deepEqual(
        s.read({ sink: 'centre', lane: 'telemetry', after: 3 }, 10).map((r) => r.payload),
        ['c'],
      );
      assert.deepEqual(
        s.read({ sink: 'centre', lane: 'alarm', after: 0 }, 10).map((r) => [r.payload, r.topic, r.retain]),
        [['x', 't/alarm', false]],
      );
    });

    it('keeps a cursor per sink and lane; ack moves only that one', () => {
      const s = make();
      s.append([entry('telemetry'), entry('alarm'), entry('telemetry')]);
      s.ack('centre', 'telemetry', 1);
      assert.equal(s.cursor('centre', 'telemetry').after, 1);
      assert.equal(s.cursor('centre', 'alarm').after, 0);
      assert.equal(s.cursor('influx', 'telemetry').after, 0);
      assert.deepEqual(seqs(s, 'centre', 'telemetry'), [3]);
      assert.deepEqual(seqs(s, 'influx', 'telemetry'), [1, 3]);
      s.ack('centre', 'alarm', 2);
      assert.equal(s.cursor('centre', 'alarm').after, 2);
      // An older ack never moves a cursor back.
      s.ack('centre', 'telemetry', 1);
      assert.equal(s.cursor('centre', 'telemetry').after, 1);
    });

    it('frees a record only when every sink of its lane has it', () => {
      const s = make();
      s.append([entry('telemetry'), entry('telemetry')]);
      s.ack('centre', 'telemetry', 2);
      assert.equal(s.stats().lanes.telemetry.depth, 2);
      s.ack('influx', 'telemetry', 1);
      assert.equal(s.stats().lanes.telemetry.depth, 1);
      s.ack('influx', 'telemetry', 2);
      assert.equal(s.stats().lanes.telemetry.depth, 0);
      assert.equal(s.stats().bytes, 0);
    });

    it('keeps nothing for a lane no sink consumes, but still numbers it', () => {
      const s = make({ sinks: { influx: ['telemetry'] } });
      const [r] = s.append([entry('alarm')]);
      assert.equal(r?.seq, 1);
      assert.equal(s.stats().lanes.alarm.depth, 0);
      assert.equal(s.append([entry('telemetry')])[0]?.seq, 2);
    });

    it('over the disk budget evicts telemetry oldest-first, counts it, and never touches alarms or twin', () => {
      const payload = 'x'.repeat(100);
      const bytes = payload.length + 't/telemetry'.length;
      const s = make({ budgetBytes: bytes * 5 });
      s.append([entry('alarm', payload), entry('twin', payload)]);
      for (let i = 0; i < 10; i += 1) s.append([entry('telemetry', payload)]);
      const stats = s.stats();
      assert.ok(stats.bytes <= stats.budgetBytes, `${stats.bytes} > ${stats.budgetBytes}`);
      assert.equal(stats.lanes.alarm.depth, 1);
      assert.equal(stats.lanes.twin.depth, 1);
      assert.equal(stats.evicted, 10 - stats.lanes.telemetry.depth);
      assert.ok(stats.evicted >= 7);
      // The survivors are the newest.
      assert.deepEqual(
        seqs(s, 'centre', 'telemetry'),
        Array.from({ length: stats.lanes.telemetry.depth }, (_, i) => 12 - stats.lanes.telemetry.depth + 1 + i),
      );
      // Alarms alone may exceed the budget: they are kept, never dropped.
      for (let i = 0; i < 20; i += 1) s.append([entry('alarm', payload)]);
      assert.equal(s.stats().lanes.alarm.depth, 21);
      assert.equal(s.stats().lanes.telemetry.depth, 0);
    });

    it('an ack of an evicted seq moves the telemetry cursor', () => {
      const s = make({ budgetBytes: 65 });
      s.append([entry('telemetry', 'x'.repeat(50))]);
      s.append([entry('telemetry', 'y'.repeat(50))]);
      assert.equal(s.stats().evicted, 1);
      s.ack('centre', 'telemetry', 1);
      assert.equal(s.cursor('centre', 'telemetry').after, 1);
    });

    it('expires telemetry past retention and counts it, keeping alarms', () => {
      const s = make({ telemetryRetentionMs: 1000 });
      s.append([entry('telemetry'), entry('alarm')]);
      now += 500;
      s.append([entry('telemetry')]);
      now += 600;
      assert.equal(s.expire(), 1);
      assert.deepEqual(seqs(s, 'centre', 'telemetry'), [3]);
      assert.equal(s.stats().expired, 1);
      assert.equal(s.stats().lanes.alarm.depth, 1);
    });

    it('reports depth per lane, pending per sink and the last seq', () => {
      const s = make();
      s.append([entry('alarm'), entry('telemetry'), entry('telemetry')]);
      s.ack('influx', 'telemetry', 3);
      const stats = s.stats();
      assert.equal(stats.lastSeq, 3);
      assert.deepEqual(stats.sinks.centre, {
        alarm: { cursor: 0, pending: 1 },
        twin: { cursor: 0, pending: 0 },
        telemetry: { cursor: 0, pending: 2 },
      });
      assert.deepEqual(stats.sinks.influx, { telemetry: { cursor: 3, pending: 0 } });
      assert.equal(stats.lanes.telemetry.depth, 2);
    });

    it('keeps the retain flag', () => {
      const s = make();
      s.append([{ lane: 'twin', topic: 't/twin', payload: '{}', retain: true }]);
      assert.equal(s.read(s.cursor('centre', 'twin'), 1)[0]?.retain, true);
    });

    it('keeps only the newest full twin and the patches after it; other lanes are untouched', () => {
      const s = make();
      const full = (payload: string): OutboxEntry => ({ lane: 'twin', topic: 't/twin', payload, retain: true });
      s.append([full('{"v":1}'), entry('twin', '{"p":2}'), entry('alarm'), entry('twin', '{"p":3}')]);
      assert.deepEqual(
        s.read(s.cursor('centre', 'twin'), 10).map((r) => r.payload),
        ['{"v":1}', '{"p":2}', '{"p":3}'],
      );
      // In one append too: the full twin supersedes the patch committed with it.
      s.append([entry('twin', '{"p":4}'), full('{"v":4}'), entry('twin', '{"p":5}')]);
      assert.deepEqual(
        s.read(s.cursor('centre', 'twin'), 10).map((r) => [r.seq, r.payload]),
        [
          [6, '{"v":4}'],
          [7, '{"p":5}'],
        ],
      );
      assert.equal(s.stats().lanes.twin.depth, 2);
      assert.equal(s.stats().lanes.alarm.depth, 1);
      assert.equal(s.stats().bytes, ['{"v":4}', '{"p":5}'].reduce((n, p) => n + p.length + 't/twin'.length, 0) + '{"n":1}t/alarm'.length);
    });

    it('an ack of a superseded twin record moves the twin cursor, not another lane', () => {
      const s = make();
      s.append([entry('telemetry'), entry('twin', '{"p":2}')]);
      s.append([{ lane: 'twin', topic: 't/twin', payload: '{"v":3}', retain: true }]);
      // A sink confirms seq 2 after the full twin (seq 3) superseded it.
      s.ack('centre', 'twin', 2);
      assert.equal(s.cursor('centre', 'twin').after, 2);
      assert.equal(s.cursor('centre', 'telemetry').after, 0);
      assert.deepEqual(seqs(s, 'centre', 'twin'), [3]);
      assert.deepEqual(seqs(s, 'centre', 'telemetry'), [1]);
    });
  });
}
