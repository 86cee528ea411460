import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RunningDemo } from '../../demo/src/demo.js';
import alarmModule from '../../nodes/src/alarm-node.js';
import gatewayInModule from '../../nodes/src/gateway-in-node.js';
import simModule from '../../nodes/src/sim-node.js';
import { FIXTURES } from '../support/fixtures.js';
import { helper, nextError, nodeOf, Received, redModule, waitForStatus } from '../support/node-red.js';
import { startSite } from '../support/site-harness.js';

const nodes = [redModule(gatewayInModule), redModule(simModule), redModule(alarmModule)];

interface AlarmPayload {
  event: string;
  alarmId: string;
  state: string;
  value: number;
  site?: string;
}

const isAlarm = (event: string, alarmId: string) => (m: { payload?: unknown }) =>
  (m.payload as AlarmPayload).event === event && (m.payload as AlarmPayload).alarmId === alarmId;

describe('Node-RED flows against the real simulator and gateway', () => {
  let site: RunningDemo;

  beforeEach(async () => {
    site = await startSite(join(FIXTURES, 'gas-site.yaml'));
  });

  afterEach(async () => {
    await helper.unload();
    await site?.stop();
  });

  it('sim node sets a gas value → the gateway raises → gateway-in emits the alarm (MQTT and WebSocket)', async () => {
    await helper.load(nodes, [
      { id: 'sim', type: 'lifeline-sim', url: site.urls.simulator, action: 'set', wires: [['simOut']] },
      { id: 'simOut', type: 'helper' },
      {
        id: 'mqttIn',
        type: 'lifeline-gateway-in',
        source: 'mqtt',
        url: site.urls.mqtt,
        site: 'test-site',
        gateway: 'gw-test',
        wires: [['mqttAlarms'], []],
      },
      { id: 'mqttAlarms', type: 'helper' },
      { id: 'wsIn', type: 'lifeline-gateway-in', source: 'ws', url: site.urls.dashboard, wires: [['wsAlarms'], ['wsReadings']] },
      { id: 'wsAlarms', type: 'helper' },
      { id: 'wsReadings', type: 'helper' },
    ]);
    const simOut = new Received(nodeOf('simOut'));
    const mqttAlarms = new Received(nodeOf('mqttAlarms'));
    const wsAlarms = new Received(nodeOf('wsAlarms'));
    const wsReadings = new Received(nodeOf('wsReadings'));
    await waitForStatus('mqttIn', 'subscribed');
    await wsReadings.waitFor(() => true, 'the WebSocket snapshot or first readings');

    nodeOf('sim').receive({ topic: 'gas-1/lel1', payload: 60 });
    const answer = await simOut.waitFor(() => true, 'the simulator answer');
    assert.deepEqual(answer.payload, { device: 'gas-1', point: 'lel1', unit: '%LEL', value: 60, mode: 'manual' });
    assert.equal(answer.statusCode, 200);

    const viaMqtt = await mqttAlarms.waitFor(isAlarm('raise', 'gas-1/lel1/hihi'), 'the raise over MQTT');
    const viaWs = await wsAlarms.waitFor(isAlarm('raise', 'gas-1/lel1/hihi'), 'the raise over /ws');
    for (const msg of [viaMqtt, viaWs]) {
      const event = msg.payload as AlarmPayload;
      assert.equal(event.state, 'unacknowledged');
      assert.equal(event.value, 60);
      assert.deepEqual([msg.site, msg.gateway], ['test-site', 'gw-test']);
    }

    nodeOf('sim').receive({ topic: 'gas-1/lel1', payload: 0 });
    await mqttAlarms.waitFor(isAlarm('clear', 'gas-1/lel1/hihi'), 'the clear over MQTT (after the 300 ms off delay)');
  });

  it('gateway readings feed the alarm node, which raises like the gateway', async () => {
    await helper.load(nodes, [
      { id: 'sim', type: 'lifeline-sim', url: site.urls.simulator, device: 'gas-1', point: 'lel3', wires: [[]] },
      { id: 'wsIn', type: 'lifeline-gateway-in', source: 'ws', url: site.urls.dashboard, receive: 'readings', wires: [[], ['alarm']] },
      { id: 'alarm', type: 'lifeline-alarm', condition: 'hi', limit: '25', hysteresis: '1', priority: '2', unit: '%LEL', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const out = new Received(nodeOf('out'));
    await waitForStatus('wsIn', 'connected');
    nodeOf('sim').receive({ payload: 30 });
    const raise = await out.waitFor(isAlarm('raise', 'gas-1/lel3/hi'), 'the alarm node raise on lel3');
    assert.equal((raise.payload as AlarmPayload).value, 30);
  });

  it('sim node reads points, lists devices and reports the simulator’s error codes', async () => {
    await helper.load(nodes, [
      { id: 'sim', type: 'lifeline-sim', url: site.urls.simulator, action: 'get', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const out = new Received(nodeOf('out'));
    const sim = nodeOf('sim');
    // One request at a time: answers to concurrent requests may arrive in any order.
    const ask = async (msg: Record<string, unknown>) => {
      const before = out.messages.length;
      sim.receive(msg);
      return out.waitFor(() => out.messages.length > before, `the answer to ${JSON.stringify(msg)}`).then(() => out.messages[before]);
    };
    await ask({ topic: 'gas-1/lel2', action: 'set', payload: 7.5 });
    const got = await ask({ topic: 'gas-1/lel2' });
    const list = await ask({ action: 'list' });
    assert.deepEqual(got?.payload, { device: 'gas-1', point: 'lel2', unit: '%LEL', value: 7.5, mode: 'manual' });
    assert.deepEqual(
      ((list?.payload ?? []) as { id: string }[]).map((d) => d.id),
      ['gas-1'],
    );

    let error = nextError(sim);
    sim.receive({ topic: 'gas-1/nope', action: 'set', payload: 1 });
    assert.match(await error, /simulator PUT \/devices\/gas-1\/points\/nope answered HTTP 404: LL_ERR_SIM_UNKNOWN_POINT/);
    error = nextError(sim);
    sim.receive({ topic: 'gas-1/lel1', action: 'set', payload: '50' });
    assert.match(await error, /msg\.payload must be a finite number or a boolean to set gas-1\/lel1, got the string "50"/);
    error = nextError(sim);
    sim.receive({ action: 'start-scenario', scenario: 'no-such-scenario' });
    assert.match(await error, /simulator POST \/scenarios\/no-such-scenario\/start answered HTTP 404/);
  });
});

describe('Node-RED sim node scenario requests', () => {
  let server: Server;
  const requests: string[] = [];

  before(async () => {
    // A stand-in for the control API's scenario routes: records each request and answers as the simulator would.
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ scenario: decodeURIComponent(req.url?.split('/')[2] ?? ''), running: req.url?.endsWith('/start') }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await helper.unload();
    await new Promise((resolve) => server.close(resolve));
  });

  it('starts and stops a scenario by name from the node or the message', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await helper.load(nodes, [
      { id: 'start', type: 'lifeline-sim', url, action: 'start-scenario', scenario: 'gas-leak', wires: [['out']] },
      { id: 'stop', type: 'lifeline-sim', url, action: 'stop-scenario', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const out = new Received(nodeOf('out'));
    nodeOf('start').receive({});
    await out.waitFor(() => out.messages.length === 1, 'the start answer');
    nodeOf('stop').receive({ scenario: 'gas leak' });
    await out.waitFor(() => out.messages.length === 2, 'the stop answer');
    assert.deepEqual(requests, ['POST /scenarios/gas-leak/start', 'POST /scenarios/gas%20leak/stop']);
    assert.deepEqual(
      out.messages.map((m) => m.payload),
      [
        { scenario: 'gas-leak', running: true },
        { scenario: 'gas leak', running: false },
      ],
    );
  });
});
