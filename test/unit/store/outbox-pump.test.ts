import assert from 'node:assert/strict';
import { pino } from 'pino';
import sinon from 'sinon';
import type { Clock } from '../../../core/src/time/clock.js';
import { gatewayError } from '../../../gateway/src/errors.js';
import { MemoryOutboxStore } from '../../../gateway/src/store/memory-outbox-store.js';
import { Outbox } from '../../../gateway/src/store/outbox.js';
import type { OutboxRecord } from '../../../gateway/src/store/outbox-record.js';
import type { Sink, SinkHealth } from '../../../gateway/src/store/outbox-sink.js';
import type { Lane } from '../../../gateway/src/store/outbox-store.js';

/** A sink the test drives: each delivery waits until the test settles it. */
class FakeSink implements Sink {
  readonly name = 'centre';
  readonly lanes: readonly Lane[] = ['alarm', 'twin', 'telemetry'];
  ready = true;
  onlineSince = 0;
  readonly deliveries: { records: readonly OutboxRecord[]; historical: boolean; settle: (err?: Error) => void }[] = [];
  #listeners: (() => void)[] = [];

  onReady(listener: () => void): void {
    this.#listeners.push(listener);
  }

  comeOnline(at: number): void {
    this.ready = true;
    this.onlineSince = at;
    for (const l of this.#listeners) l();
  }

  deliver(records: readonly OutboxRecord[], historical: boolean): Promise<void> {
    return new Promise((resolve, reject) =>
      this.deliveries.push({ records, historical, settle: (err) => (err ? reject(err) : resolve()) }),
    );
  }

  health(): SinkHealth {
    return { ready: this.ready, delivered: 0 };
  }

  start(): void {}
  async stop(): Promise<void> {
    for (const d of this.deliveries) d.settle(new Error('stopped'));
  }
}

describe('outbox pump: order, acks and pacing', () => {
  let clock: sinon.SinonFakeTimers;
  let outbox: Outbox;
  let store: MemoryOutboxStore;
  let sink: FakeSink;
  const c: Clock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h),
  };
  const tick = async (ms = 0) => {
    await clock.tickAsync(ms);
  };
  const last = () => sink.deliveries[sink.deliveries.length - 1];
  const kinds = (d = last()) => d?.records.map((r) => `${r.lane}:${r.payload}`);

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
    store = new MemoryOutboxStore({ sinks: { centre: ['alarm', 'twin', 'telemetry'] }, budgetBytes: 1e9, telemetryRetentionMs: 0 });
    outbox = new Outbox(store, c, pino({ level: 'silent' }), {
      batch: { alarm: 10, twin: 10, telemetry: 2 },
      replayRatePerS: 10,
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    sink = new FakeSink();
    outbox.addSink(sink);
  });

  afterEach(async () => {
    const stopping = outbox.stop();
    await clock.tickAsync(0);
    await stopping;
    clock.restore();
  });

  it('refuses a sink added twice, or one whose name or lanes the store does not keep', () => {
    assert.throws(() => outbox.addSink(new FakeSink()), /"centre" added twice/);
    const other = new Outbox(store, c, pino({ level: 'silent' }), {
      batch: { alarm: 1, twin: 1, telemetry: 1 },
      replayRatePerS: 1,
      backoff: { baseMs: 1, maxMs: 1 },
    });
    assert.throws(
      () => other.addSink(Object.assign(new FakeSink(), { lanes: ['alarm'] })),
      /takes \[alarm\] but the outbox store holds \[alarm, twin, telemetry\]/,
    );
    assert.throws(() => other.addSink(Object.assign(new FakeSink(), { name: 'influx' })), /holds \[\] for it/);
  });

  it('syncs the store every syncEveryMs (1 s by default) while running, and once more on stop', async () => {
    const sync = sinon.spy(store, 'sync');
    outbox.start();
    await tick(999);
    assert.equal(sync.callCount, 0);
    await tick(1);
    assert.equal(sync.callCount, 1);
    await tick(3000);
    assert.equal(sync.callCount, 4);
    const stopping = outbox.stop();
    await tick(0);
    await stopping;
    assert.equal(sync.callCount, 5, 'the last commits reach the disk before close');
    await tick(5000);
    assert.equal(sync.callCount, 5, 'no timer left after stop');
  });

  it('delivers an alarm at once, not after a timer, and moves the cursor only after the sink confirms', async () => {
    outbox.start();
    outbox.enqueue({ lane: 'alarm', topic: 'a', payload: '1' });
    await tick();
    assert.deepEqual(kinds(), ['alarm:1']);
    assert.equal(store.cursor('centre', 'alarm').after, 0, 'no ack before the server confirms');
    last()?.settle();
    await tick();
    assert.equal(store.cursor('centre', 'alarm').after, 1);
    assert.equal(store.stats().lanes.alarm.depth, 0);
  });

  it('a live alarm does not wait for the telemetry delivery in flight, and overtakes the backlog', async () => {
    sink.ready = false;
    outbox.start();
    for (let i = 1; i <= 6; i += 1) outbox.enqueue({ lane: 'telemetry', topic: 't', payload: `${i}` });
    await tick(10);
    sink.comeOnline(Date.now());
    await tick();
    assert.deepEqual(kinds(), ['telemetry:1', 'telemetry:2']);
    assert.equal(last()?.historical, true, 'committed before the link came up: historical');
    const inFlight = last();
    outbox.enqueue({ lane: 'alarm', topic: 'a', payload: 'live' });
    await tick();
    // The telemetry batch is still unconfirmed (over a cellular link: a round trip or more); the alarm goes now.
    assert.deepEqual(kinds(), ['alarm:live']);
    assert.equal(last()?.historical, false);
    last()?.settle();
    await tick();
    assert.equal(store.cursor('centre', 'alarm').after, 7);
    assert.equal(store.cursor('centre', 'telemetry').after, 0, 'the telemetry cursor waits for its own confirmation');
    inFlight?.settle();
    await tick(1000);
    assert.deepEqual(kinds(), ['telemetry:3', 'telemetry:4']);
  });

  it('keeps alarms in order, one delivery in flight, behind a failed one', async () => {
    outbox.start();
    outbox.enqueue({ lane: 'alarm', topic: 'a', payload: '1' });
    await tick();
    outbox.enqueue({ lane: 'alarm', topic: 'a', payload: '2' });
    await tick();
    assert.equal(sink.deliveries.length, 1, 'the second alarm waits for the first');
    last()?.settle(gatewayError('LL_ERR_UPLINK_TIMEOUT', 'centre', 10));
    await tick(1000);
    assert.deepEqual(kinds(), ['alarm:1', 'alarm:2'], 'retried from the first, in order');
  });

  it('paces the historical backlog at replayRatePerS', async () => {
    sink.ready = false;
    outbox.start();
    for (let i = 1; i <= 6; i += 1) outbox.enqueue({ lane: 'telemetry', topic: 't', payload: `${i}` });
    await tick(10);
    sink.comeOnline(Date.now());
    await tick();
    last()?.settle();
    await tick(100);
    // 2 records at 10/s: the next batch is due 200 ms later.
    assert.equal(sink.deliveries.length, 1);
    await tick(100);
    assert.equal(sink.deliveries.length, 2);
  });

  it('retries the same records after a failure, with backoff, never skipping', async () => {
    outbox.start();
    outbox.enqueue({ lane: 'alarm', topic: 'a', payload: '1' });
    await tick();
    last()?.settle(gatewayError('LL_ERR_UPLINK_TIMEOUT', 'centre', 10));
    await tick();
    assert.equal(sink.deliveries.length, 1);
    assert.equal(store.cursor('centre', 'alarm').after, 0);
    await tick(1000);
    assert.equal(sink.deliveries.length, 2);
    assert.deepEqual(kinds(), ['alarm:1']);
    last()?.settle();
    await tick();
    assert.equal(store.cursor('centre', 'alarm').after, 1);
  });

  it('holds everything while the sink is offline and replays in order when it returns', async () => {
    sink.ready = false;
    outbox.start();
    outbox.enqueue({ lane: 'alarm', topic: 'a', payload: '1' }, { lane: 'alarm', topic: 'a', payload: '2' });
    await tick(5000);
    assert.equal(sink.deliveries.length, 0);
    sink.comeOnline(Date.now());
    await tick();
    assert.deepEqual(kinds(), ['alarm:1', 'alarm:2']);
    assert.equal(last()?.historical, true);
  });
});

describe('outbox: the decode shared between sinks is bounded by size', () => {
  const c: Clock = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h) };
  let clock: sinon.SinonFakeTimers;
  let outbox: Outbox;
  let first: FakeSink;
  let second: FakeSink;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
    const sinks = { centre: ['alarm', 'twin', 'telemetry'] as Lane[], local: ['alarm', 'twin', 'telemetry'] as Lane[] };
    const store = new MemoryOutboxStore({ sinks, budgetBytes: 1e9, telemetryRetentionMs: 0 });
    outbox = new Outbox(store, c, pino({ level: 'silent' }), {
      batch: { alarm: 10, twin: 10, telemetry: 10 },
      replayRatePerS: 10,
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    first = new FakeSink();
    second = Object.assign(new FakeSink(), { name: 'local' });
    second.ready = false;
    outbox.addSink(first);
    outbox.addSink(second);
    outbox.start();
  });

  afterEach(async () => {
    const stopping = outbox.stop();
    await clock.tickAsync(0);
    await stopping;
    clock.restore();
  });

  /** The records the second sink gets for twin payloads `payloads`, after the first sink read them. */
  async function secondSinkReads(payloads: string[]): Promise<{ same: boolean[] }> {
    for (const payload of payloads) outbox.enqueue({ lane: 'twin', topic: 't', payload });
    await clock.tickAsync(0);
    // The first sink reads (and acks) everything before the second comes online.
    for (let settled = 0; settled < first.deliveries.length; settled++) {
      first.deliveries[settled]?.settle();
      await clock.tickAsync(0);
    }
    const seen = first.deliveries.flatMap((d) => d.records);
    assert.equal(seen.length, payloads.length);
    second.comeOnline(0);
    await clock.tickAsync(0);
    const later = second.deliveries.flatMap((d) => d.records);
    return { same: later.map((r, i) => r === seen[i]) };
  }

  it('shares small records between sinks (one decode)', async () => {
    const { same } = await secondSinkReads(['"a"', '"b"', '"c"']);
    assert.deepEqual(same, [true, true, true]);
  });

  it('keeps no more than 2 MB of payload shared: larger records are decoded again by a sink that lags', async () => {
    const big = (c: string) => JSON.stringify(c.repeat(1200 * 1024));
    // 1.2 MB each (a 10k-point full twin is ~1.8 MB): at most one stays shared at a time, so the second
    // sink, reading from the oldest, finds none of them (a count bound of 256 would have shared all three).
    const { same } = await secondSinkReads([big('a'), big('b'), big('c')]);
    assert.deepEqual(same, [false, false, false]);
  });

  it('keeps a record larger than the whole bound not even as the newest (the full twin of a 100k-point site, 20 MB)', async () => {
    const { same } = await secondSinkReads(['"a"', JSON.stringify('x'.repeat(3 * 1024 * 1024))]);
    assert.deepEqual(same, [true, false]);
  });
});
