import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningDemo } from '../../demo/src/demo.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { DurableCollector, eventually } from '../support/durable-collector.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';

const siteYaml = (centreUrl: string) => `
site: test-site
gateway: gw-test
http: { host: 127.0.0.1, port: 0 }
mqtt:
  local: { host: 127.0.0.1, port: 0 }
  centre: { url: "${centreUrl}", protocolVersion: 5, ackTimeoutMs: 2000 }
telemetry: { batchIntervalMs: 50, maxSilenceMs: 600000 }
simulator: { http: { host: 127.0.0.1, port: 0 } }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
    points:
      lel1:
        limits:
          hihi: { offDelayMs: 100 }
`;

type Event = { bootId: string; seq: number; event: string; alarmId: string; value: number };
const key = (p: Record<string, unknown>) => `${p.bootId}:${p.seq}`;

/**
 * The centre broker (a real Mosquitto) goes down and comes back: every alarm
 * and telemetry batch raised meanwhile reaches the centre, in order, marked
 * historical, none twice except QoS 1 redeliveries carrying the same ids.
 * The local broker, never down, is the ground truth of what was raised.
 */
describe('centre uplink through a broker outage (Mosquitto)', () => {
  let broker: MosquittoBroker;
  let dir: string;
  let site: RunningDemo | undefined;
  let centre: DurableCollector | undefined;
  let local: MqttCollector | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker({ persistence: true });
    await broker.start();
    dir = await mkdtemp(join(tmpdir(), 'lifeline-outage-'));
    await writeFile(join(dir, 'site.yaml'), siteYaml(broker.url));
    centre = await DurableCollector.open(broker.url, 'lifeline/v1/#');
    site = await startSite(join(dir, 'site.yaml'), { stateDir: join(dir, 'state') });
    local = await MqttCollector.open(site.urls.mqtt as string, 'lifeline/v1/#');
  });

  afterEach(async () => {
    await local?.close();
    await site?.stop();
    site = undefined;
    await centre?.close();
    await broker?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every alarm and reading raised while the broker was down, exactly once by id', async function () {
    this.timeout(30_000);
    const running = site as RunningDemo;
    const c = centre as DurableCollector;
    const l = local as MqttCollector;
    const pending = () => running.gateway.delivery.outbox.view().stats.sinks.centre;
    const alarmsAt = (m: { topic: string }[]) => m.filter((x) => x.topic.endsWith('/alarms')).length;

    await eventually('online at the centre', () => c.on('/status').some((m) => m.payload.online === true));
    await setPoint(running.urls.simulator, 'gas-1', 'lel1', 20);
    await eventually('live telemetry at the centre', () =>
      c.on('/telemetry').some((m) => JSON.stringify(m.payload).includes('"value":20')),
    );
    assert.ok(c.on('/telemetry').every((m) => !m.historical && m.payload.historical === undefined));

    await broker.stop();
    await eventually('the centre link down', () => !running.gateway.delivery.uplinks().centre?.connected);
    // Two raise/clear cycles while the centre is unreachable; the local broker sees each at once.
    for (const [high, low] of [
      [60, 10],
      [61, 11],
    ] as const) {
      const before = alarmsAt(l.messages);
      await setPoint(running.urls.simulator, 'gas-1', 'lel1', high);
      await eventually('raise on the local broker', () => alarmsAt(l.messages) === before + 1);
      await setPoint(running.urls.simulator, 'gas-1', 'lel1', low);
      await eventually('clear on the local broker', () => alarmsAt(l.messages) === before + 2);
    }
    assert.equal(pending()?.alarm?.pending, 4, 'four alarm events wait in the outbox for the centre');
    // The same, read-only, over HTTP: depth per lane, per-sink cursors, sink health.
    const api = (await (await fetch(new URL('/api/outbox', running.urls.dashboard))).json()) as {
      lanes: { alarm: { depth: number } };
      sinks: Record<string, { connected: boolean; lanes: { alarm: { pending: number; cursor: number } } }>;
    };
    assert.equal(api.lanes.alarm.depth, 4);
    assert.equal(api.sinks.centre?.lanes.alarm.pending, 4);
    assert.equal(api.sinks.local?.lanes.alarm.pending, 0);
    assert.deepEqual({ centre: api.sinks.centre?.connected, local: api.sinks.local?.connected }, { centre: false, local: true });
    const health = (await (await fetch(new URL('/api/health', running.urls.dashboard))).json()) as {
      uplinks: Record<string, { connected: boolean }>;
    };
    assert.equal(health.uplinks.centre?.connected, false);

    await broker.start();
    await eventually(
      'the centre cursor to catch up',
      () => pending()?.alarm?.pending === 0 && pending()?.telemetry?.pending === 0,
      15_000,
      () => JSON.stringify(pending()),
    );
    await eventually('the backlog at the subscriber', () => alarmsAt(c.messages) >= 4);

    const truth = l.messages.filter((m) => m.topic.endsWith('/alarms')).map((m) => m.payload as Event);
    const got = c.on('/alarms');
    assert.deepEqual(new Set(got.map((m) => key(m.payload))), new Set(truth.map((e) => `${e.bootId}:${e.seq}`)));
    for (const m of got) {
      const same = truth.find((e) => `${e.bootId}:${e.seq}` === key(m.payload));
      // An MQTT 3.1.1 centre has no user properties: the payload says "replayed" too.
      const { historical, ...event } = m.payload;
      assert.equal(historical, true, 'a replayed alarm is marked historical in its payload');
      assert.deepEqual(event, same, 'a redelivery carries the same event');
    }
    assert.equal(new Set(got.map((m) => key(m.payload))).size, 4);
    assert.deepEqual(
      got.map((m) => m.payload.seq),
      [...got.map((m) => m.payload.seq as number)].sort((a, b) => a - b),
      'replayed in order',
    );
    assert.ok(
      got.every((m) => m.historical),
      'replayed alarms carry the historical user property',
    );
    assert.deepEqual(
      got.map((m) => m.payload.event),
      ['raise', 'clear', 'raise', 'clear'],
    );

    // Telemetry: the same batches as the local broker saw, replayed ones marked historical.
    const localBatches = new Map(
      l.messages.filter((m) => m.topic.endsWith('/telemetry')).map((m) => [key(m.payload as Record<string, unknown>), m.payload]),
    );
    const centreBatches = c.on('/telemetry');
    for (const [id] of localBatches)
      assert.ok(
        centreBatches.some((m) => key(m.payload) === id),
        `batch ${id} reached the centre`,
      );
    const values = centreBatches.flatMap((m) =>
      (m.payload.readings as { point: string; value: number }[]).filter((r) => r.point === 'lel1').map((r) => r.value),
    );
    for (const v of [60, 10, 61, 11]) assert.ok(values.includes(v), `lel1=${v} reached the centre`);
    const replayed = centreBatches.filter((m) => m.historical);
    assert.ok(replayed.length > 0);
    assert.ok(replayed.every((m) => m.payload.historical === true));
  });
});
