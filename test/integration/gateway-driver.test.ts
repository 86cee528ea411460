import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { applyEnvironment, loadSiteConfig } from '../../core/src/index.js';
import { DEFAULT_DRIVERS, driverRegistry } from '../../gateway/src/acquisition/driver-registry.js';
import { Gateway } from '../../gateway/src/runtime/gateway.js';
import type { SinkKind } from '../../gateway/src/sinks/sink-kind.js';
import { BUILTIN_SINK_KINDS, SinkRegistry } from '../../gateway/src/sinks/sink-registry.js';
import type { OutboxRecord } from '../../gateway/src/store/outbox-record.js';
import type { Sink } from '../../gateway/src/store/outbox-sink.js';
import { FIXTURES } from '../support/fixtures.js';
import { loopbackDrivers, onLoopback } from '../support/loopback-driver.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { tempStateDir } from '../support/state-dir.js';

describe('a whole gateway on a test-only driver and a test-only sink, plugged in through the registries', () => {
  let gateway: Gateway | undefined;
  let local: MqttCollector | undefined;

  afterEach(async () => {
    await local?.close();
    await gateway?.stop();
  });

  it('decides, publishes and serves alarms from a transport the gateway has never heard of', async () => {
    const env = { LIFELINE_STATE_DIR: tempStateDir(), LIFELINE_HTTP_PORT: '0', LIFELINE_MQTT_PORT: '0' };
    const loaded = applyEnvironment(await loadSiteConfig(join(FIXTURES, 'gas-site.yaml')), env);
    const site = { ...loaded, devices: loaded.devices.map(onLoopback) };
    const factory = loopbackDrivers();
    gateway = new Gateway(site, { log: pino({ level: 'silent' }), drivers: driverRegistry([...DEFAULT_DRIVERS.values(), factory]) });
    const { httpPort, mqttPort } = await gateway.start();
    local = await MqttCollector.open(`mqtt://127.0.0.1:${mqttPort}`, 'lifeline/v1/+/+/alarms');

    factory.created[0]?.set('gas-1', 'lel1', 60);
    const raise = await local.waitFor((m) => (m.payload as { alarmId?: string }).alarmId === 'gas-1/lel1/hihi', 5000, 'the hihi raise');
    assert.equal((raise.payload as { event: string }).event, 'raise');
    assert.equal((raise.payload as { value: number }).value, 60);

    const res = await fetch(`http://127.0.0.1:${httpPort}/api/devices`);
    const devices = (await res.json()) as unknown;
    assert.equal(res.status, 200, JSON.stringify(devices));
    assert.equal((devices as { id: string; comm?: { state: string } }[]).find((d) => d.id === 'gas-1')?.comm?.state, 'online');
  });

  it('delivers its alarms and telemetry to a sink kind only the test knows, only on the lanes the kind declares', async () => {
    const env = { LIFELINE_STATE_DIR: tempStateDir(), LIFELINE_HTTP_PORT: '0', LIFELINE_MQTT_PORT: '0' };
    const loaded = applyEnvironment(await loadSiteConfig(join(FIXTURES, 'gas-site.yaml')), env);
    const site = { ...loaded, devices: loaded.devices.map(onLoopback) };
    const drivers = loopbackDrivers();
    const received: OutboxRecord[] = [];
    const tap: Sink = {
      name: 'test-tap',
      lanes: ['alarm', 'telemetry'],
      ready: true,
      onlineSince: 0,
      onReady: () => {},
      start: () => {},
      stop: async () => {},
      deliver: async (records) => {
        received.push(...records);
      },
      health: () => ({ ready: true, delivered: received.length }),
    };
    const kind: SinkKind = { kind: 'test-tap', lanes: tap.lanes, specs: () => [{ name: tap.name }], create: () => tap };
    gateway = new Gateway(site, {
      log: pino({ level: 'silent' }),
      drivers: driverRegistry([...DEFAULT_DRIVERS.values(), drivers]),
      sinks: new SinkRegistry([...BUILTIN_SINK_KINDS, kind]),
    });
    await gateway.start();
    drivers.created[0]?.set('gas-1', 'lel1', 60);
    const deadline = Date.now() + 8000;
    while (!received.some((r) => r.kind === 'alarm') || !received.some((r) => r.kind === 'telemetry')) {
      if (Date.now() > deadline) assert.fail(`the tap got ${received.map((r) => r.kind).join(', ') || 'nothing'}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const alarm = received.find((r) => r.kind === 'alarm');
    assert.equal(alarm?.kind === 'alarm' ? alarm.body.alarmId : undefined, 'gas-1/lel1/hihi');
    assert.ok(
      received.every((r) => r.kind === 'alarm' || r.kind === 'telemetry'),
      'only the lanes the kind declared',
    );
  });
});
