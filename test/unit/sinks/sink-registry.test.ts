import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { Delivery } from '../../../gateway/src/sinks/delivery.js';
import type { SinkKind } from '../../../gateway/src/sinks/sink-kind.js';
import { BUILTIN_SINK_KINDS, SinkRegistry } from '../../../gateway/src/sinks/sink-registry.js';
import { MemoryOutboxStore } from '../../../gateway/src/store/memory-outbox-store.js';
import { entryOf, type OutboxRecord } from '../../../gateway/src/store/outbox-record.js';
import type { Sink, SinkHealth } from '../../../gateway/src/store/outbox-sink.js';
import { LANES, type OutboxStore, type SinkLanes } from '../../../gateway/src/store/outbox-store.js';
import { FIXTURES } from '../../support/fixtures.js';
import { tempStateDir } from '../../support/state-dir.js';

const log = pino({ level: 'silent' });

/** A sink that exists only in this test: collects what it is given; `ready` says whether it takes anything. */
class CollectingSink implements Sink {
  readonly lanes = LANES;
  readonly received: OutboxRecord[] = [];
  readonly onlineSince = 0;
  readonly #waiters: { n: number; resolve: () => void }[] = [];

  constructor(
    readonly name: string,
    readonly ready: boolean,
  ) {}

  onReady(): void {}
  start(): void {}
  async stop(): Promise<void> {}

  async deliver(records: readonly OutboxRecord[]): Promise<void> {
    this.received.push(...records);
    for (const w of this.#waiters.filter((x) => this.received.length >= x.n)) w.resolve();
  }

  health(): SinkHealth {
    return { ready: this.ready, delivered: this.received.length };
  }

  /** Resolves once `n` records have arrived. */
  until(n: number): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }
}

/** The test's sink kind: two taps, `tap-ready` and `tap-waiting` (not ready unless `bothReady`). */
function collectorKind(made: Map<string, CollectingSink>, bothReady: boolean): SinkKind {
  return {
    kind: 'test-collector',
    lanes: LANES,
    specs: () => [{ name: 'tap-ready' }, { name: 'tap-waiting' }],
    create: ({ name }) => {
      const sink = new CollectingSink(name, name === 'tap-ready' || bothReady);
      made.set(name, sink);
      return sink;
    },
  };
}

const TOPIC = 'lifeline/v1/test-site/gw-test';
const alarm = (seq: number) => entryOf('alarm', `${TOPIC}/alarms`, JSON.stringify({ alarmId: 'gas-1/lel1/hihi', seq }));
const patch = (base: number) =>
  entryOf('twin-patch', `${TOPIC}/twin/patch`, JSON.stringify({ bootId: 'b', base, version: base + 1, patch: {} }));
const fullTwin = (version: number) => entryOf('twin', `${TOPIC}/twin`, JSON.stringify({ bootId: 'b', version, reported: {} }));
const batch = (seq: number) => entryOf('telemetry', `${TOPIC}/telemetry`, JSON.stringify({ bootId: 'b', seq, readings: [] }));

/** What a record says, by kind: proves the sink got typed, decoded bodies. */
function describeRecord(r: OutboxRecord): string {
  switch (r.kind) {
    case 'alarm':
      return `alarm#${r.body.seq}`;
    case 'twin':
      return `twin@${r.body.version}`;
    case 'twin-patch':
      return `patch ${r.body.base}→${r.body.version}`;
    case 'telemetry':
      return `telemetry#${r.body.seq}`;
  }
}

const stores: Record<string, ((config: SiteConfig) => ((sinks: SinkLanes) => OutboxStore) | undefined) | undefined> = {
  sqlite: () => undefined,
  memory: () => (sinks) => new MemoryOutboxStore({ sinks, budgetBytes: 1e9, telemetryRetentionMs: 0 }),
};

describe('sink registry: a sink kind that exists only in a test', () => {
  let config: SiteConfig;
  let running: Delivery | undefined;

  beforeEach(async () => {
    const loaded = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    // No broker, no centre, no InfluxDB: the built-in kinds plan nothing, only the test's kind takes records.
    config = { ...loaded, stateDir: tempStateDir(), mqtt: { ...loaded.mqtt, local: { ...loaded.mqtt.local, enabled: false } } };
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  const open = (registry: SinkRegistry, store: ((sinks: SinkLanes) => OutboxStore) | undefined) =>
    new Delivery(config, {
      bootId: 'b',
      version: '0.0.0',
      clock: systemClock,
      log,
      sinks: registry,
      ...(store ? { store } : {}),
    });

  /** Lets the pump finish the delivery in flight (its ack follows the sink's promise). */
  const settled = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setImmediate(r));
    return check();
  };

  for (const [storeName, storeOf] of Object.entries(stores)) {
    it(`gets typed records in lane priority order through the registry alone (${storeName} outbox store)`, async () => {
      const made = new Map<string, CollectingSink>();
      const registry = new SinkRegistry().register(collectorKind(made, false));
      running = open(registry, storeOf?.(config));
      running.outbox.enqueue(batch(1), alarm(1), patch(1), fullTwin(3), patch(3), batch(2), alarm(2));
      running.start(undefined);
      const tap = made.get('tap-ready') as CollectingSink;
      await tap.until(6);
      // Alarms first, then the twin (the full twin superseded the patch before it), then telemetry, each lane in seq order.
      assert.deepEqual(tap.received.map(describeRecord), ['alarm#1', 'alarm#2', 'twin@3', 'patch 3→4', 'telemetry#1', 'telemetry#2']);
      const delivery = running;
      const pending = () => delivery.stats().sinks['tap-ready']?.pending;
      assert.ok(await settled(() => pending() === 0), `tap-ready still has ${pending()} pending`);
      const { sinks } = running.outbox.view().stats;
      assert.deepEqual(Object.keys(sinks), ['tap-ready', 'tap-waiting']);
      // Its own cursor: the tap that is not ready still has everything ahead of it.
      assert.deepEqual(sinks['tap-waiting'], {
        alarm: { cursor: 0, pending: 2 },
        twin: { cursor: 0, pending: 2 },
        telemetry: { cursor: 0, pending: 2 },
      });
    });
  }

  it('resumes after a restart from its own cursor (SQLite outbox store)', async () => {
    const first = new Map<string, CollectingSink>();
    running = open(new SinkRegistry().register(collectorKind(first, false)), undefined);
    running.outbox.enqueue(alarm(1), batch(1));
    running.start(undefined);
    await (first.get('tap-ready') as CollectingSink).until(2);
    await running.stop();

    const second = new Map<string, CollectingSink>();
    running = open(new SinkRegistry().register(collectorKind(second, true)), undefined);
    running.outbox.enqueue(alarm(2));
    running.start(undefined);
    const ready = second.get('tap-ready') as CollectingSink;
    const waiting = second.get('tap-waiting') as CollectingSink;
    await Promise.all([ready.until(1), waiting.until(3)]);
    assert.deepEqual(ready.received.map(describeRecord), ['alarm#2'], 'only what it had not confirmed');
    assert.deepEqual(waiting.received.map(describeRecord), ['alarm#1', 'alarm#2', 'telemetry#1'], 'everything, from its own cursor');
  });

  it('refuses a kind registered twice, a sink name taken by another kind, and registration after planning', () => {
    const registry = new SinkRegistry();
    assert.deepEqual(
      registry.kinds,
      BUILTIN_SINK_KINDS.map((k) => k.kind),
    );
    assert.throws(() => registry.register(BUILTIN_SINK_KINDS[0] as SinkKind), /registered twice/);
    const clash: SinkKind = { kind: 'clash', lanes: ['alarm'], specs: () => [{ name: 'centre' }], create: () => assert.fail() };
    const withCentre = { ...config, mqtt: { ...config.mqtt, centre: { url: 'mqtt://127.0.0.1:1', protocolVersion: 4 as const } } };
    assert.throws(() => new SinkRegistry().register(clash).plan(withCentre), /sink name "centre" is used by centre-mqtt and clash/);
    registry.plan(config);
    assert.throws(() => registry.register(clash), /after the registry planned/);
  });
});
