import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gatewayTopics, TwinReplica } from '@lifeline/twin';
import { pino } from 'pino';
import sinon from 'sinon';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import type { EventBus } from '../../../gateway/src/events/event-bus.js';
import type { GatewayEvents } from '../../../gateway/src/events/gateway-events.js';
import { MemoryOutboxStore } from '../../../gateway/src/store/memory-outbox-store.js';
import { type OutboxRecord, typed } from '../../../gateway/src/store/outbox-record.js';
import { GatewayTwin, outboxTwinChanges, type TwinLink } from '../../../gateway/src/twin/index.js';
import { testBus } from '../../support/event-bus.js';
import { FIXTURES } from '../../support/fixtures.js';

const topics = gatewayTopics('test-site', 'gw-test');

/** A link that only records what is published on it directly, and delivers the twin's own birth. */
class RecordingLink implements TwinLink {
  readonly name = 'centre';
  readonly published: string[] = [];
  readonly handlers = new Map<string, (topic: string, payload: Buffer) => void>();
  publish(topic: string): void {
    this.published.push(topic);
  }
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): void {
    this.handlers.set(filter, handler);
  }
  send(topic: string, body: unknown): void {
    this.handlers.get(topic)?.(topic, Buffer.from(JSON.stringify(body)));
  }
}

describe('twin: changes through the outbox twin lane (in-memory store, fake timers)', () => {
  let site: SiteConfig;
  let clock: sinon.SinonFakeTimers;
  let store: MemoryOutboxStore;
  let bus: EventBus<GatewayEvents>;
  let link: RecordingLink;
  let twin: GatewayTwin;

  before(async () => {
    const loaded = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    site = { ...loaded, twin: { ...loaded.twin, coalesceMs: 100, snapshotQuietMs: 0 } };
  });

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    store = new MemoryOutboxStore({ sinks: { centre: ['alarm', 'twin', 'telemetry'] }, budgetBytes: 1e9, telemetryRetentionMs: 0 });
    bus = testBus();
    link = new RecordingLink();
    twin = new GatewayTwin({
      config: site,
      bootId: 'boot-1',
      softwareVersion: '0.1.0',
      events: bus,
      alarms: undefined,
      clock: systemClock,
      log: pino({ level: 'silent' }),
      changes: outboxTwinChanges({ enqueue: (...entries) => store.append(entries) }, topics),
    });
    twin.start([link]);
  });

  afterEach(() => {
    twin.stop();
    store.close();
    clock.restore();
  });

  /** What the centre sink would read now, from its cursor. */
  const pending = (): OutboxRecord[] => store.read(store.cursor('centre', 'twin'), 1000).map(typed);
  const change = async (value: number) => {
    bus.emit('readings', [{ device: 'gas-1', point: 'lel1', value, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() }]);
    await clock.tickAsync(100);
  };

  it('opens the boot with a full twin and commits patches after it; nothing twin goes out on the link directly', async () => {
    await change(1);
    await change(2);
    const records = pending();
    assert.deepEqual(
      records.map((r) => [r.kind, r.topic, r.retain]),
      [
        ['twin', topics.twin, true],
        ['twin-patch', topics.twinPatch, false],
        ['twin-patch', topics.twinPatch, false],
      ],
    );
    assert.deepEqual(link.published, []);
    // Read in order, the lane is a chain a mirror applies without a gap.
    const replica = new TwinReplica();
    for (const r of records) {
      const outcome = r.kind === 'twin' ? replica.applySnapshot(r.body) : r.kind === 'twin-patch' ? replica.applyPatch(r.body) : undefined;
      assert.equal(outcome?.kind, 'applied');
    }
    assert.equal(replica.version, twin.twin.version);
    assert.deepEqual(replica.reported, JSON.parse(JSON.stringify(twin.twin.reported)));
  });

  it('on a birth (reconnect) commits the current full twin, which supersedes the backlog before it', async () => {
    await change(1);
    await change(2);
    bus.emit('readings', [{ device: 'gas-1', point: 'lel1', value: 3, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() }]);
    link.send(topics.status, { online: true, bootId: 'boot-1', ts: new Date().toISOString(), version: '0.1.0' });
    const records = pending();
    // The pending change was folded in: the sink reads exactly one full twin, at the twin's version.
    assert.deepEqual(
      records.map((r) => r.kind),
      ['twin'],
    );
    const [full] = records;
    assert.equal(full?.kind === 'twin' && full.body.version, twin.twin.version);
    assert.equal(full?.kind === 'twin' && full.body.reported.devices['gas-1']?.points.lel1?.value, 3);
  });

  it('a replica left behind by an outage converges from what the lane holds after it', async () => {
    const replica = new TwinReplica();
    for (const r of pending()) if (r.kind === 'twin') replica.applySnapshot(r.body);
    const seen = store.stats().lastSeq;
    store.ack('centre', 'twin', seen);
    // The outage: the sink reads nothing; changes pile up, and a reconnect of another link commits a full twin meanwhile.
    await change(10);
    link.send(topics.status, { online: true, bootId: 'boot-1', ts: new Date().toISOString(), version: '0.1.0' });
    await change(11);
    await change(12);
    for (const r of pending()) {
      const outcome = r.kind === 'twin' ? replica.applySnapshot(r.body) : r.kind === 'twin-patch' ? replica.applyPatch(r.body) : undefined;
      assert.equal(outcome?.kind, 'applied', `${r.kind} ${JSON.stringify(r.body).slice(0, 80)}`);
    }
    assert.equal(replica.version, twin.twin.version);
    assert.equal(replica.reported?.devices['gas-1']?.points.lel1?.value, 12);
  });
});
