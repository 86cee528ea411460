import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { applyEnvironment, loadSiteConfig } from '../../core/src/index.js';
import { DEFAULT_DRIVERS, driverRegistry } from '../../gateway/src/acquisition/driver-registry.js';
import { Gateway } from '../../gateway/src/runtime/gateway.js';
import { FIXTURES } from '../support/fixtures.js';
import { loopbackDrivers, onLoopback } from '../support/loopback-driver.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { tempStateDir } from '../support/state-dir.js';

describe('a whole gateway on a test-only driver, plugged in through the registry', () => {
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
});
