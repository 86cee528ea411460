import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import type { RunningDemo } from '../../demo/src/demo.js';
import { eventually } from '../support/durable-collector.js';
import { setPoint, startSite } from '../support/site-harness.js';

const siteYaml = `
site: test-site
gateway: gw-test
http: { host: 127.0.0.1, port: 0 }
mqtt:
  local:
    host: 127.0.0.1
    port: 0
    users:
      - { username: hmi, password: hmi-pw, subscribe: ["lifeline/v1/#"], publish: ["lifeline/v1/+/+/cmd/#"] }
      - { username: nodered, passwordEnv: LIFELINE_TEST_NODERED_PW, subscribe: ["lifeline/v1/+/+/telemetry"] }
telemetry: { batchIntervalMs: 50 }
simulator: { http: { host: 127.0.0.1, port: 0 } }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
`;

/** The embedded aedes broker with users and topic ACLs, as Node-RED or an HMI meet it. */
describe('local broker: authentication and topic ACLs', () => {
  let dir: string;
  let site: RunningDemo | undefined;
  const clients: MqttClient[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-local-'));
    await writeFile(join(dir, 'site.yaml'), siteYaml);
    process.env.LIFELINE_TEST_NODERED_PW = 'nr-pw';
    site = await startSite(join(dir, 'site.yaml'), { stateDir: join(dir, 'state') });
  });

  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await site?.stop();
    delete process.env.LIFELINE_TEST_NODERED_PW;
    await rm(dir, { recursive: true, force: true });
  });

  const login = async (username?: string, password?: string) => {
    const c = await connectAsync(site?.urls.mqtt as string, {
      reconnectPeriod: 0,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
    });
    clients.push(c);
    return c;
  };

  it('refuses anonymous clients and wrong passwords', async () => {
    await assert.rejects(login(), /Not authorized/i);
    await assert.rejects(login('hmi', 'nope'), /Not authorized/i);
  });

  it('gives each user only its topics; the gateway itself still publishes', async () => {
    const running = site as RunningDemo;
    // The gateway's own subscription (Delivery.subscribe) hears commands on the local link.
    const commands: string[] = [];
    running.gateway.delivery.subscribe('lifeline/v1/test-site/gw-test/cmd/+', (topic, payload, link) =>
      commands.push(`${link} ${topic} ${payload}`),
    );
    const hmi = await login('hmi', 'hmi-pw');
    const nodered = await login('nodered', 'nr-pw');
    const seen = { hmi: [] as string[], nodered: [] as string[] };
    hmi.on('message', (t) => seen.hmi.push(t));
    nodered.on('message', (t) => seen.nodered.push(t));
    await hmi.subscribeAsync('lifeline/v1/#', { qos: 1 });
    await nodered.subscribeAsync('lifeline/v1/+/+/telemetry', { qos: 1 });
    // Outside its ACL: SUBACK 0x80, which MQTT.js turns into a rejection.
    await assert.rejects(nodered.subscribeAsync('lifeline/v1/+/+/alarms', { qos: 1 }), /Subscribe error/);
    await setPoint(running.urls.simulator, 'gas-1', 'lel1', 70);
    await eventually('the alarm at the HMI', () => seen.hmi.some((t) => t.endsWith('/alarms')));
    await eventually('telemetry at Node-RED', () => seen.nodered.some((t) => t.endsWith('/telemetry')));
    assert.ok(!seen.nodered.some((t) => t.endsWith('/alarms')));
    assert.ok(seen.hmi.some((t) => t.endsWith('/status')));

    // Node-RED may not publish at all: aedes drops the publish and counts it.
    await nodered.publishAsync('lifeline/v1/test-site/gw-test/cmd/ack', '{}', { qos: 0 });
    await hmi.publishAsync('lifeline/v1/test-site/gw-test/cmd/ack', '{"by":"hmi"}', { qos: 1 });
    await eventually('the HMI command delivered', () => seen.hmi.filter((t) => t.endsWith('/cmd/ack')).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen.hmi.filter((t) => t.endsWith('/cmd/ack')).length, 1, 'the Node-RED publish was dropped');
    await eventually(
      'the command at the gateway',
      () => commands.length > 0,
      3000,
      () => JSON.stringify({ commands, seen }),
    );
    assert.deepEqual(commands, ['local lifeline/v1/test-site/gw-test/cmd/ack {"by":"hmi"}']);
  });
});
