import assert from 'node:assert/strict';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { MqttConsumer } from '../../twin/src/centre/mqtt-consumer.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { waitUntil } from '../support/twin-link.js';

const FILTER = '$share/centre-test/t/#';
const silent = pino({ level: 'silent' });

/**
 * A centre consumer killed with messages in flight (handed over by the
 * broker, not yet acknowledged) gets them again when it returns under the
 * same client id: Mosquitto keeps them in the persistent session and sends
 * them right behind the CONNACK, so the consumer must be ready to store
 * them before its connect resolves (issue 21).
 */
describe('integration: a shared-subscription consumer killed mid-flight loses nothing (Mosquitto)', function () {
  this.timeout(30_000);
  let broker: MosquittoBroker | undefined;

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
  });
  after(async () => {
    await broker?.dispose();
  });

  it('redelivers what the killed consumer held to its next connection under the same id', async () => {
    const url = (broker as MosquittoBroker).url;
    const stored = new Set<string>();
    const consumer = (clientId: string, handle: (topic: string) => Promise<void>) =>
      new MqttConsumer({ brokerUrl: url, clientId, persistent: true, filters: [FILTER], log: silent, handle });
    // The one to be killed never finishes storing: everything it is handed stays unacknowledged.
    let held = 0;
    const doomed = consumer('centre-x-0', () => {
      held += 1;
      return new Promise<void>(() => undefined);
    });
    const steady = consumer('centre-y-0', async (topic) => {
      stored.add(topic);
    });
    await doomed.start();
    await steady.start();
    const publisher = await connectAsync(url, { protocolVersion: 5 });
    try {
      for (let i = 0; i < 60; i++) await publisher.publishAsync(`t/${i}`, 'x', { qos: 1 });
      await waitUntil(() => held > 0 && stored.size >= 30, 10_000, 'both consumers handed messages');
      await doomed.stop(true);
      for (let i = 60; i < 90; i++) await publisher.publishAsync(`t/${i}`, 'x', { qos: 1 });
      const back = consumer('centre-x-0', async (topic) => {
        stored.add(topic);
      });
      await back.start();
      try {
        await waitUntil(
          () => stored.size === 90,
          10_000,
          'every message stored',
          () => `${stored.size} of 90`,
        );
      } finally {
        await back.stop();
      }
      assert.equal(stored.size, 90);
    } finally {
      await publisher.endAsync();
      await steady.stop();
    }
  });
});
