import assert from 'node:assert/strict';
import { connectAsync, type MqttClient } from 'mqtt';
import twinModule from '../../nodes/src/twin-node.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { helper, nextError, nodeOf, Received, redModule, waitForStatus } from '../support/node-red.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';

const twinNode = redModule(twinModule);
const PREFIX = 'lifeline/v1/site-a/gw-1';
const TWIN = { version: 3, bootId: 'b1', reported: { devices: { 'gas-1': { comm: 'online' } } } };

/**
 * A test double of the gateway's side of DESIGN.md §4: the retained twin,
 * `twin/desired` answered on `twin/desired/result`, `cmd/ack` on
 * `cmd/ack/result`, each answer carrying the request's clientToken.
 * `cmd/resync` is left unanswered.
 */
class GatewayDouble {
  readonly requests: { topic: string; body: Record<string, unknown> }[] = [];
  #client: MqttClient | undefined;

  async start(url: string): Promise<void> {
    const client = await connectAsync(url, { reconnectPeriod: 0 });
    this.#client = client;
    client.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString()) as Record<string, unknown>;
      this.requests.push({ topic, body });
      const { clientToken } = body;
      // Another centre's request is answered first, on the same topic: the node must not take it as its own.
      const foreign = { clientToken: 'someone-else', accepted: false, reasons: ['not yours'] };
      if (topic === `${PREFIX}/twin/desired`) {
        const answer =
          'limits' in body
            ? { clientToken, accepted: true, version: 4 }
            : { clientToken, accepted: false, reasons: ['unknown property "colour"'] };
        void client.publishAsync(`${PREFIX}/twin/desired/result`, JSON.stringify(foreign), { qos: 1 });
        void client.publishAsync(`${PREFIX}/twin/desired/result`, JSON.stringify(answer), { qos: 1 });
      } else if (topic === `${PREFIX}/cmd/ack`) {
        void client.publishAsync(`${PREFIX}/cmd/ack/result`, JSON.stringify({ clientToken, accepted: true, alarmId: body.alarmId }), {
          qos: 1,
        });
      }
    });
    await client.subscribeAsync([`${PREFIX}/twin/desired`, `${PREFIX}/cmd/+`], { qos: 1 });
  }

  publishTwin(twin: object): Promise<unknown> {
    return (this.#client as MqttClient).publishAsync(`${PREFIX}/twin`, JSON.stringify(twin), { qos: 1, retain: true });
  }

  async stop(): Promise<void> {
    await this.#client?.endAsync(true);
  }
}

describe('Node-RED twin node (real Node-RED, real Mosquitto, gateway test double)', () => {
  const broker = new MosquittoBroker();
  let gateway: GatewayDouble;

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    await broker.start();
  });

  after(async () => {
    await broker.stop();
  });

  beforeEach(async () => {
    gateway = new GatewayDouble();
    await gateway.start(broker.url);
    await gateway.publishTwin(TWIN);
  });

  afterEach(async () => {
    await helper.unload();
    await gateway.stop();
  });

  async function load(props: Record<string, unknown> = {}): Promise<Received> {
    await helper.load(
      [twinNode],
      [
        { id: 'twin', type: 'lifeline-twin', url: broker.url, site: 'site-a', gateway: 'gw-1', watch: false, wires: [['out']], ...props },
        { id: 'out', type: 'helper' },
      ],
    );
    const out = new Received(nodeOf('out'));
    await waitForStatus('twin', 'subscribed');
    return out;
  }

  it('reads the retained twin and, when watching, sends every update', async () => {
    const out = await load({ watch: true });
    const first = await out.waitFor(() => true, 'the retained twin');
    assert.deepEqual(first.payload, TWIN);
    assert.equal(first.topic, `${PREFIX}/twin`);
    await gateway.publishTwin({ ...TWIN, version: 4 });
    await out.waitFor((m) => (m.payload as { version: number }).version === 4, 'the updated twin');
    nodeOf('twin').receive({ action: 'get', payload: 'anything' });
    await out.waitFor(() => out.messages.length === 3, 'the twin on request');
    assert.deepEqual(out.messages[2]?.payload, { ...TWIN, version: 4 });
  });

  it('sends desired changes with a clientToken and outputs the matching result, accepted or rejected', async () => {
    const out = await load();
    const twin = nodeOf('twin');
    twin.receive({ action: 'desired', payload: { limits: { 'gas-1/lel1/hihi': { value: 40 } } }, clientToken: 'tok-1' });
    const accepted = await out.waitFor((m) => m.clientToken === 'tok-1', 'the accepted result');
    assert.deepEqual(accepted.payload, { clientToken: 'tok-1', accepted: true, version: 4 });
    assert.equal(accepted.topic, `${PREFIX}/twin/desired/result`);
    const { issuedAt, ...body } = (gateway.requests[0]?.body ?? {}) as { issuedAt?: string };
    assert.deepEqual(
      { topic: gateway.requests[0]?.topic, body },
      { topic: `${PREFIX}/twin/desired`, body: { limits: { 'gas-1/lel1/hihi': { value: 40 } }, clientToken: 'tok-1' } },
    );
    assert.ok(Number.isFinite(Date.parse(issuedAt ?? '')), `an issue time, not ${issuedAt}`);

    twin.receive({ action: 'desired', payload: { colour: 'green' } });
    const rejected = await out.waitFor((m) => (m.payload as { accepted: boolean }).accepted === false, 'the rejected result');
    assert.deepEqual((rejected.payload as { reasons: string[] }).reasons, ['unknown property "colour"']);
    assert.match(String(rejected.clientToken), /^[0-9a-f-]{36}$/, 'a generated UUID');
    assert.equal(out.messages.length, 2, 'the foreign answers were not taken');
  });

  it('acknowledges an alarm by id on cmd/ack and outputs cmd/ack/result', async () => {
    const out = await load();
    nodeOf('twin').receive({ action: 'ack', payload: 'gas-1/lel1/hihi' });
    const result = await out.waitFor(() => true, 'the ack result');
    assert.equal(result.topic, `${PREFIX}/cmd/ack/result`);
    assert.deepEqual(
      { ...(result.payload as object), clientToken: undefined },
      { clientToken: undefined, accepted: true, alarmId: 'gas-1/lel1/hihi' },
    );
    assert.deepEqual(gateway.requests.at(-1)?.body.alarmId, 'gas-1/lel1/hihi');
  });

  it('fails a request nobody answers with LL_ERR_NODE_TIMEOUT', async () => {
    await load({ timeoutMs: '300' });
    const error = nextError(nodeOf('twin'));
    nodeOf('twin').receive({ action: 'resync', clientToken: 'tok-r' });
    assert.match(await error, /no answer on lifeline\/v1\/site-a\/gw-1\/cmd\/resync\/result for clientToken tok-r within 300 ms/);
  });

  it('refuses bad requests before publishing anything', async () => {
    await load();
    const twin = nodeOf('twin');
    let error = nextError(twin);
    twin.receive({ action: 'desired', payload: [1, 2] });
    assert.match(await error, /msg\.payload for desired must be a non-empty object/);
    error = nextError(twin);
    twin.receive({ action: 'ack', payload: { id: 'x' } });
    assert.match(await error, /msg\.payload for ack must be an alarm id or an object with a string alarmId/);
    error = nextError(twin);
    twin.receive({ action: 'reboot' });
    assert.match(await error, /msg\.action must be one of get, desired, ack, shelve, unshelve, resync, got the string "reboot"/);
    assert.deepEqual(gateway.requests, []);
  });

  it('fails get with LL_ERR_NODE_NO_TWIN when the gateway has published no twin', async () => {
    await helper.load(
      [twinNode],
      [{ id: 'twin', type: 'lifeline-twin', url: broker.url, site: 'site-b', gateway: 'gw-9', timeoutMs: '200', wires: [[]] }],
    );
    await waitForStatus('twin', 'subscribed');
    const error = nextError(nodeOf('twin'));
    nodeOf('twin').receive({});
    assert.match(await error, /no twin received on lifeline\/v1\/site-b\/gw-9\/twin within 200 ms/);
  });
});
