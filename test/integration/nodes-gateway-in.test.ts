import assert from 'node:assert/strict';
import { connectAsync, type MqttClient } from 'mqtt';
import gatewayInModule from '../../nodes/src/gateway-in-node.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { helper, nextError, nodeOf, Received, redModule, waitForStatus } from '../support/node-red.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';

const gatewayIn = redModule(gatewayInModule);

const ALARM = {
  event: 'raise',
  alarmId: 'gas-1/lel1/hihi',
  site: 'site-a',
  gateway: 'gw-1',
  device: 'gas-1',
  point: 'lel1',
  condition: 'hihi',
  priority: 1,
  colour: 'red',
  state: 'unacknowledged',
  value: 60,
  limit: 50,
  hysteresis: 2,
  unit: '%LEL',
  sourceTs: '2026-11-25T21:55:30.255Z',
  detectedAt: '2026-11-25T21:55:30.262Z',
  publishedAt: '2026-11-25T21:55:30.262Z',
  seq: 1,
  bootId: 'b1',
};

describe('Node-RED gateway-in node over MQTT (real Node-RED, real Mosquitto)', () => {
  const broker = new MosquittoBroker();
  let publisher: MqttClient;

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    await broker.start();
    publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
  });

  after(async () => {
    await publisher?.endAsync(true);
    await broker.stop();
  });

  afterEach(async () => {
    await helper.unload();
  });

  async function load(props: Record<string, unknown>): Promise<{ alarms: Received; readings: Received }> {
    await helper.load(
      [gatewayIn],
      [
        { id: 'in', type: 'lifeline-gateway-in', source: 'mqtt', url: broker.url, wires: [['alarms'], ['readings']], ...props },
        { id: 'alarms', type: 'helper' },
        { id: 'readings', type: 'helper' },
      ],
    );
    const received = { alarms: new Received(nodeOf('alarms')), readings: new Received(nodeOf('readings')) };
    await waitForStatus('in', 'subscribed');
    return received;
  }

  it('emits alarm events on output 1 and telemetry readings on output 2, filtered by site and gateway', async () => {
    const { alarms, readings } = await load({ site: 'site-a', gateway: '+' });
    await publisher.publishAsync('lifeline/v1/site-b/gw-1/alarms', JSON.stringify({ ...ALARM, site: 'site-b', seq: 9 }), { qos: 1 });
    await publisher.publishAsync('lifeline/v1/site-a/gw-1/alarms', JSON.stringify(ALARM), { qos: 1 });
    await publisher.publishAsync(
      'lifeline/v1/site-a/gw-1/telemetry',
      JSON.stringify({
        bootId: 'b1',
        seq: 1,
        readings: [
          { device: 'gas-1', point: 'lel1', value: 12.5, quality: 'good', sourceTs: 1764107730255 },
          { device: 'gas-1', point: 'fault', value: false, quality: 'good', sourceTs: 1764107730255 },
        ],
      }),
      { qos: 1 },
    );
    const alarm = await alarms.waitFor(() => true, 'the alarm');
    assert.deepEqual(alarm.payload, ALARM);
    assert.equal(alarm.topic, 'gas-1/lel1/hihi');
    assert.deepEqual([alarm.site, alarm.gateway], ['site-a', 'gw-1']);
    await readings.waitFor(() => readings.messages.length === 2, 'two readings');
    assert.deepEqual(
      readings.messages.map((m) => [m.topic, m.payload, m.quality, m.sourceTs, m.site, m.gateway]),
      [
        ['gas-1/lel1', 12.5, 'good', 1764107730255, 'site-a', 'gw-1'],
        ['gas-1/fault', false, 'good', 1764107730255, 'site-a', 'gw-1'],
      ],
    );
    assert.equal(alarms.messages.length, 1, 'site-b is filtered out by the subscription');
  });

  it('warns about payloads outside the contract and keeps running', async () => {
    const { alarms } = await load({ receive: 'alarms' });
    const warnings: string[] = [];
    nodeOf('in').on('call:warn', (call) => warnings.push(String(call.args[0])));
    await publisher.publishAsync('lifeline/v1/site-a/gw-1/alarms', 'not json{', { qos: 1 });
    await publisher.publishAsync('lifeline/v1/site-a/gw-1/alarms', JSON.stringify({ event: 'raise' }), { qos: 1 });
    await publisher.publishAsync(
      'lifeline/v1/site-a/gw-1/telemetry',
      JSON.stringify({ readings: [{ device: 'd', point: 'p', value: 1 }] }),
      { qos: 1 },
    );
    await publisher.publishAsync('lifeline/v1/site-a/gw-1/alarms', JSON.stringify(ALARM), { qos: 1 });
    await alarms.waitFor(() => true, 'the good alarm after the bad ones');
    assert.equal(alarms.messages.length, 1);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /ignored a message on lifeline\/v1\/site-a\/gw-1\/alarms: not JSON/);
    assert.match(warnings[1] ?? '', /alarm event without a string "alarmId"/);
  });

  it('refuses a site filter that is not a topic level', async () => {
    await helper.load(
      [gatewayIn],
      [{ id: 'in', type: 'lifeline-gateway-in', source: 'mqtt', url: broker.url, site: 'Site/#', wires: [[], []] }],
    );
    const error = nextError(nodeOf('in'));
    nodeOf('in').receive({ payload: 1 });
    assert.match(await error, /lifeline-gateway-in "site": "Site\/#" is not a site\/gateway id/);
  });
});
