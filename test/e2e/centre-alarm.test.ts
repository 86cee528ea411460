import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type AlarmEvent, AlarmEventSchema } from '@lifeline/twin';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { RunningDemo } from '../../demo/src/demo.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { FIXTURES } from '../support/fixtures.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';

const ajv = new Ajv({ strict: false });
addFormats.default(ajv);
const validateAlarm = ajv.compile(AlarmEventSchema);

/**
 * The walking skeleton, real on every hop: simulator (Modbus TCP) → gateway
 * (poll, decode, limits) → a real Mosquitto broker as the centre → a subscriber.
 */
describe('e2e: simulated gas leak reaches the centre as an alarm', () => {
  let broker: MosquittoBroker;
  let site: RunningDemo | undefined;
  let centre: MqttCollector | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
    centre = await MqttCollector.open(broker.url, 'lifeline/v1/#');
    site = await startSite(join(FIXTURES, 'gas-site.yaml'), { centreUrl: broker.url });
  });

  afterEach(async () => {
    await centre?.close();
    await site?.stop();
    await broker?.stop();
  });

  const alarm = (m: { topic: string; payload: unknown }) => (m.topic.endsWith('/alarms') ? (m.payload as AlarmEvent) : undefined);

  it('raises hihi above 50 %LEL and clears below limit − hysteresis after the off-delay', async () => {
    const running = site as RunningDemo;
    const received = centre as MqttCollector;
    await received.waitFor((m) => m.topic.endsWith('/status') && (m.payload as { online: boolean }).online, 5000, 'online status');

    const before = Date.now();
    await setPoint(running.urls.simulator, 'gas-1', 'lel1', 62.5);
    const raise = await received.waitFor((m) => alarm(m)?.alarmId === 'gas-1/lel1/hihi' && alarm(m)?.event === 'raise', 5000, 'hihi raise');
    const event = raise.payload as AlarmEvent;
    assert.ok(validateAlarm(event), JSON.stringify(validateAlarm.errors));
    assert.equal(raise.topic, 'lifeline/v1/test-site/gw-test/alarms');
    assert.equal(raise.retain, false);
    assert.deepEqual(
      { device: event.device, point: event.point, condition: event.condition, priority: event.priority, colour: event.colour },
      { device: 'gas-1', point: 'lel1', condition: 'hihi', priority: 1, colour: 'red' },
    );
    assert.equal(event.state, 'unacknowledged');
    assert.equal(event.value, 62.5);
    assert.equal(event.limit, 50);
    assert.equal(event.unit, '%LEL');
    assert.equal(event.bootId, running.gateway.bootId);
    assert.ok(event.seq >= 1);
    for (const ts of [event.sourceTs, event.detectedAt, event.publishedAt]) assert.ok(Date.parse(ts) >= before - 1, ts);
    assert.ok(Date.parse(event.detectedAt) <= Date.parse(event.publishedAt));

    // 48.5 is inside the 2 %LEL hysteresis band: no clear.
    await setPoint(running.urls.simulator, 'gas-1', 'lel1', 48.5);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(received.messages.filter((m) => alarm(m)?.alarmId === 'gas-1/lel1/hihi' && alarm(m)?.event === 'clear').length, 0);

    const lowered = Date.now();
    await setPoint(running.urls.simulator, 'gas-1', 'lel1', 10);
    const clear = await received.waitFor((m) => alarm(m)?.alarmId === 'gas-1/lel1/hihi' && alarm(m)?.event === 'clear', 5000, 'hihi clear');
    const cleared = clear.payload as AlarmEvent;
    assert.ok(validateAlarm(cleared), JSON.stringify(validateAlarm.errors));
    assert.equal(cleared.state, 'returned-unacknowledged');
    assert.equal(cleared.value, 10);
    assert.ok(cleared.seq > event.seq);
    assert.ok(clear.at - lowered >= 300, `clear came ${clear.at - lowered} ms after lowering, before the 300 ms off-delay`);
  });

  it('retains status online on the centre and leaves online:false on a clean stop', async () => {
    const running = site as RunningDemo;
    await (centre as MqttCollector).waitFor(
      (m) => m.topic.endsWith('/status') && (m.payload as { online: boolean }).online,
      5000,
      'online',
    );
    await running.stop();
    site = undefined;
    const late = await MqttCollector.open(broker.url, 'lifeline/v1/+/+/status');
    try {
      const retained = await late.waitFor((m) => m.retain, 5000, 'retained status');
      assert.equal((retained.payload as { online: boolean }).online, false);
      assert.equal((retained.payload as { bootId: string }).bootId, running.gateway.bootId);
    } finally {
      await late.close();
    }
  });
});
