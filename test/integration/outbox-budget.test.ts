import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayTopics } from '@lifeline/twin';
import { pino } from 'pino';
import { systemClock } from '../../core/src/time/clock.js';
import { MqttSink } from '../../gateway/src/sinks/mqtt-sink.js';
import { Outbox } from '../../gateway/src/store/outbox.js';
import { SqliteOutboxStore } from '../../gateway/src/store/sqlite-outbox-store.js';
import { MqttUplink } from '../../gateway/src/uplink/mqtt-uplink.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { DurableCollector, eventually } from '../support/durable-collector.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';

const log = pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' });
const topics = gatewayTopics('test-site', 'gw-test');

/**
 * The disk budget runs out during a centre outage: telemetry is evicted
 * oldest-first and counted, every alarm survives and arrives. Counted
 * exactly: delivered telemetry + evicted = produced; delivered alarms = produced.
 */
describe('outbox disk budget exhausted during a centre outage', () => {
  let broker: MosquittoBroker;
  let dir: string;
  let outbox: Outbox | undefined;
  let centre: DurableCollector | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    dir = await mkdtemp(join(tmpdir(), 'lifeline-budget-'));
    broker = new MosquittoBroker({ persistence: true });
    await broker.start();
    centre = await DurableCollector.open(broker.url, 'lifeline/v1/#');
  });

  afterEach(async () => {
    await outbox?.stop();
    outbox?.close();
    outbox = undefined;
    await centre?.close();
    await broker?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('evicts and counts telemetry, keeps every alarm', async function () {
    this.timeout(30_000);
    const budgetBytes = 100_000;
    const store = new SqliteOutboxStore(join(dir, 'outbox.db'), {
      sinks: { centre: ['alarm', 'twin', 'telemetry'] },
      budgetBytes,
      telemetryRetentionMs: 0,
    });
    const uplink = new MqttUplink(
      {
        name: 'centre',
        url: broker.url,
        topics,
        bootId: 'boot-1',
        version: 'test',
        clientId: 'gw-budget',
        protocolVersion: 5,
        backoff: { baseMs: 50, maxMs: 200 },
      },
      log,
    );
    outbox = new Outbox(store, systemClock, log, {
      batch: { alarm: 100, twin: 50, telemetry: 50 },
      replayRatePerS: 100_000,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    outbox.addSink(new MqttSink(uplink));
    outbox.start();
    await eventually('connected', () => uplink.connected);
    await broker.stop();
    await eventually('disconnected', () => !uplink.connected);

    // 1 KB telemetry batches: 1000 of them is 10× the budget; an alarm every 50.
    const filler = 'x'.repeat(1000);
    let alarms = 0;
    for (let i = 1; i <= 1000; i += 1) {
      outbox.enqueue({
        lane: 'telemetry',
        topic: topics.telemetry,
        payload: JSON.stringify({ bootId: 'boot-1', seq: i, readings: [], filler }),
      });
      if (i % 50 === 0) {
        alarms += 1;
        outbox.enqueue({ lane: 'alarm', topic: topics.alarms, payload: JSON.stringify({ bootId: 'boot-1', seq: alarms, filler }) });
      }
    }
    const during = outbox.view().stats;
    assert.ok(during.bytes <= budgetBytes, `${during.bytes} bytes held, budget ${budgetBytes}`);
    assert.equal(during.lanes.alarm.depth, 20);
    assert.ok(during.evicted > 900, `evicted ${during.evicted}`);
    assert.equal(during.evicted + during.lanes.telemetry.depth, 1000);

    await broker.start();
    const c = centre as DurableCollector;
    await eventually(
      'the outbox drained',
      () => outbox?.view().stats.lanes.telemetry.depth === 0 && outbox?.view().stats.lanes.alarm.depth === 0,
      15_000,
    );
    await eventually(
      'everything at the subscriber',
      () => c.on('/telemetry').length + c.on('/alarms').length >= 20 + 1000 - during.evicted,
      10_000,
      () => JSON.stringify({ evicted: during.evicted, t: c.on('/telemetry').length, a: c.on('/alarms').length, all: c.messages.length }),
    );
    const alarmSeqs = new Set(c.on('/alarms').map((m) => m.payload.seq));
    assert.deepEqual(
      [...alarmSeqs].sort((a, b) => Number(a) - Number(b)),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const telemetrySeqs = [...new Set(c.on('/telemetry').map((m) => m.payload.seq as number))].sort((a, b) => a - b);
    assert.equal(telemetrySeqs.length, 1000 - during.evicted);
    // Oldest-first: what survived is exactly the newest.
    assert.deepEqual(
      telemetrySeqs,
      Array.from({ length: telemetrySeqs.length }, (_, i) => during.evicted + 1 + i),
    );
    assert.equal(outbox.view().stats.evicted, during.evicted);
  });
});
