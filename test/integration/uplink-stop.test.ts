import assert from 'node:assert/strict';
import { gatewayTopics } from '@lifeline/twin';
import { pino } from 'pino';
import { LocalBroker } from '../../gateway/src/uplink/local-broker.js';
import { MqttUplink } from '../../gateway/src/uplink/mqtt-uplink.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { eventually } from '../support/durable-collector.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';

const log = pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' });
const topics = gatewayTopics('test-site', 'gw-test');

describe('uplink stop: a clean stop is not a link failure', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Subscribed to its own status topic, as the gateway twin is: the offline status of a clean stop comes back. */
  const stopAndCheck = async (url: string, login: { username: string; password: string } | undefined = undefined) => {
    const link = new MqttUplink(
      { name: 'local', url, topics, bootId: 'boot-1', version: 'test', clientId: 'gw-stop', protocolVersion: 4, ...login },
      log,
    );
    cleanups.push(() => link.stop());
    const statuses: boolean[] = [];
    link.subscribe(topics.status, (_t, payload) => statuses.push((JSON.parse(payload.toString()) as { online: boolean }).online));
    link.start();
    await eventually('the online status echoed back', () => statuses.includes(true));
    await link.stop();
    // The echo of the offline status may arrive after the disconnect; MQTT.js then acknowledges it on an ended socket.
    await eventually('the offline status echoed back', () => statuses.includes(false));
    await new Promise((r) => setImmediate(r));
    assert.equal(link.lastError, undefined, `a clean stop recorded ${link.lastError?.code}: ${link.lastError?.message}`);
  };

  it('on the local broker', async () => {
    const broker = new LocalBroker();
    const port = await broker.start({ host: '127.0.0.1', port: 0, topics }, log);
    cleanups.push(() => broker.stop());
    // Only the gateway's own login may publish its status on its broker.
    await stopAndCheck(`mqtt://127.0.0.1:${port}`, broker.gatewayCredentials);
  });

  it('on Mosquitto', async function () {
    this.timeout(15_000);
    requireBinary(this, MOSQUITTO, 'mosquitto');
    const broker = new MosquittoBroker();
    await broker.start();
    cleanups.push(() => broker.dispose());
    await stopAndCheck(broker.url);
  });
});
