import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AttributeIds, type ClientSession, type DataValue, OPCUAClient, StatusCodes, TimestampsToReturn } from 'node-opcua';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import type { ServedAt } from '../../firmware-sim/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { readValue } from '../fixtures/sim/opcua-client.js';
import { pymodbusRead } from '../fixtures/sim/probe.js';
import { rebind } from '../fixtures/sim/rebind.js';
import { FIXTURES } from '../support/fixtures.js';
import { MBPOLL, requireBinary, requirePythonModule } from '../support/services.js';

const run = promisify(execFile);

async function until<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every fault of the control API, injected over HTTP and observed by a client we did not write. */
describe('simulator faults seen by real clients', function () {
  this.timeout(30_000);
  let sim: FirmwareSimulator;
  let api: string;
  let served: ReadonlyMap<string, ServedAt>;
  let tmp: string;
  let python: string;

  before(async function () {
    python = requirePythonModule(this, 'pymodbus', 'python3-pymodbus');
    requireBinary(this, '/usr/bin/socat', 'socat');
    tmp = await mkdtemp(join(tmpdir(), 'lifeline-faults-'));
    sim = new FirmwareSimulator(rebind(await loadSiteConfig(join(FIXTURES, 'sim/faults-site.yaml')), tmp), pino({ level: 'silent' }));
    const endpoints = await sim.start();
    api = `http://127.0.0.1:${endpoints.controlPort}`;
    served = endpoints.served;
  });
  after(async () => {
    await sim?.stop();
    await rm(tmp, { recursive: true, force: true });
  });
  afterEach(() => sim?.faults.clear());

  const inject = async (body: object): Promise<string> => {
    const res = await fetch(`${api}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  };
  const clear = async (id: string) => assert.equal((await fetch(`${api}/faults/${id}`, { method: 'DELETE' })).status, 200);
  const at = (id: string) => served.get(id) as ServedAt;
  const point = (device: string, id: string) =>
    sim.devices.get(device)?.point(id) as NonNullable<ReturnType<FirmwareSimulator['devices']['get']>> extends {
      point(id: string): infer P;
    }
      ? P
      : never;
  const lel1 = (device: string) => [point(device, 'lel1')];

  it('exception: mbpoll and pymodbus get the injected exception code, then normal answers when cleared', async function () {
    requireBinary(this, MBPOLL, 'mbpoll');
    const id = await inject({ kind: 'exception', device: 'gas-tcp', exceptionCode: 6 });
    const tcp = at('gas-tcp') as { port: number };
    const mb = await run(MBPOLL, ['-m', 'tcp', '-a', '1', '-r', '1', '-c', '1', '-t', '4', '-p', String(tcp.port), '-1', '127.0.0.1']).then(
      () => '',
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    );
    assert.match(mb, /busy/i, 'exception 6: server device busy');
    assert.deepEqual((await pymodbusRead(python, at('gas-tcp'), 1, lel1('gas-tcp'))).lel1, { exception: 6 });
    assert.equal(
      typeof (await pymodbusRead(python, at('ws-serial'), 2, [point('ws-serial', 'flow')])).flow,
      'number',
      'only the faulty device',
    );
    await clear(id);
    assert.equal(typeof (await pymodbusRead(python, at('gas-tcp'), 1, lel1('gas-tcp'))).lel1, 'number');
  });

  it('exception on a serial line: pymodbus over the pseudo-terminal gets it too', async () => {
    await inject({ kind: 'exception', device: 'ws-serial', exceptionCode: 4 });
    assert.deepEqual((await pymodbusRead(python, at('ws-serial'), 2, [point('ws-serial', 'flow')])).flow, { exception: 4 });
  });

  it('no-response: the client times out', async () => {
    await inject({ kind: 'no-response', device: 'gas-tcp' });
    const r = (await pymodbusRead(python, at('gas-tcp'), 1, lel1('gas-tcp'), { timeout: 1 })).lel1;
    assert.ok(typeof r === 'object' && r.error, `a timeout, got ${JSON.stringify(r)}`);
  });

  it('delay: an answer later than the client timeout is missed, one within it arrives', async () => {
    await inject({ kind: 'delay', device: 'gas-rtu-tcp', delayMs: 2500 });
    const short = (await pymodbusRead(python, at('gas-rtu-tcp'), 3, lel1('gas-rtu-tcp'), { timeout: 1 })).lel1;
    assert.ok(typeof short === 'object' && short.error, `timed out: ${JSON.stringify(short)}`);
    const long = (await pymodbusRead(python, at('gas-rtu-tcp'), 3, lel1('gas-rtu-tcp'), { timeout: 5 })).lel1;
    assert.equal(typeof long, 'number', `answered late: ${JSON.stringify(long)}`);
  });

  it('disconnect: the connection is dropped', async () => {
    await inject({ kind: 'disconnect', device: 'gas-tcp' });
    const r = (await pymodbusRead(python, at('gas-tcp'), 1, lel1('gas-tcp'), { timeout: 1 })).lel1;
    assert.ok(typeof r === 'object' && r.error, `dropped: ${JSON.stringify(r)}`);
  });

  it('corrupt-frame: mbpoll on the serial line reports a bad CRC; pymodbus over RTU-over-TCP gets no valid answer', async function () {
    requireBinary(this, MBPOLL, 'mbpoll');
    await inject({ kind: 'corrupt-frame', device: 'ws-serial' });
    const serial = at('ws-serial') as { serialPort: string };
    const mb = await run(MBPOLL, [
      '-m',
      'rtu',
      '-b',
      '9600',
      '-P',
      'none',
      '-a',
      '2',
      '-r',
      '1',
      '-c',
      '1',
      '-t',
      '3',
      '-o',
      '1',
      '-1',
      serial.serialPort,
    ]).then(
      (r) => r.stdout,
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    );
    assert.match(mb, /CRC/i, mb);
    await inject({ kind: 'corrupt-frame', device: 'gas-rtu-tcp' });
    const r = (await pymodbusRead(python, at('gas-rtu-tcp'), 3, lel1('gas-rtu-tcp'), { timeout: 1 })).lel1;
    assert.ok(typeof r === 'object' && r.error, `no valid answer: ${JSON.stringify(r)}`);
  });

  it('stuck: the register keeps its value whatever is set', async () => {
    const device = sim.devices.get('gas-tcp');
    assert.ok(device);
    sim.setManual(device, 'lel2', 11);
    const id = await inject({ kind: 'stuck', device: 'gas-tcp', point: 'lel2' });
    const put = await fetch(`${api}/devices/gas-tcp/points/lel2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 44 }),
    });
    assert.equal(put.status, 200);
    const read = async () => (await pymodbusRead(python, at('gas-tcp'), 1, [point('gas-tcp', 'lel2')])).lel2;
    assert.ok(Math.abs(((await read()) as number) - 11) < 1e-6);
    await clear(id);
    await fetch(`${api}/devices/gas-tcp/points/lel2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 44 }),
    });
    assert.ok(Math.abs(((await read()) as number) - 44) < 1e-6);
  });

  describe('OPC UA', () => {
    let client: OPCUAClient;
    let session: ClientSession;
    const lost: string[] = [];
    before(async () => {
      client = OPCUAClient.create({
        endpointMustExist: false,
        connectionStrategy: { maxRetry: 100, initialDelay: 200, maxDelay: 500 },
        requestedSessionTimeout: 30_000,
      });
      client.on('connection_lost', () => lost.push('lost'));
      client.on('connection_reestablished', () => lost.push('back'));
      await client.connect((at('heat-opcua') as { endpointUrl: string }).endpointUrl);
      session = await client.createSession();
    });
    after(async () => {
      await session?.close().catch(() => undefined);
      await client?.disconnect();
    });

    it('opcua-bad-status: a read and a subscription see the Bad status code, Good again when cleared', async () => {
      const nodeId = 'ns=2;s=HeatStation.Primary.SupplyPressure';
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: 100,
        publishingEnabled: true,
        maxNotificationsPerPublish: 100,
      });
      const changes: DataValue[] = [];
      const item = await subscription.monitor(
        { nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: 100, queueSize: 10, discardOldest: true },
        TimestampsToReturn.Both,
      );
      item.on('changed', (dv: DataValue) => changes.push(dv));
      const id = await inject({ kind: 'opcua-bad-status', device: 'heat-opcua', point: 'supply-pressure', statusCode: 'BadSensorFailure' });
      assert.equal((await readValue(session, nodeId)).statusCode.value, StatusCodes.BadSensorFailure.value);
      await until(
        () => changes,
        (c) => c.some((dv) => dv.statusCode.value === StatusCodes.BadSensorFailure.value),
        5000,
        'Bad notification',
      );
      await clear(id);
      assert.equal((await readValue(session, nodeId)).statusCode.value, StatusCodes.Good.value);
      await subscription.terminate();
    });

    it('opcua-restart: the client loses the server and reconnects to it', async () => {
      await inject({ kind: 'opcua-restart', device: 'heat-opcua', downMs: 300 });
      await until(
        () => lost,
        (l) => l.includes('lost'),
        10_000,
        'connection lost',
      );
      await until(
        () => lost,
        (l) => l.includes('back'),
        20_000,
        'connection re-established',
      );
      const fresh = await client.createSession();
      try {
        const dv = await fresh.read({ nodeId: 'ns=2;s=HeatStation.Pump.Running', attributeId: AttributeIds.Value });
        assert.equal(dv.statusCode.value, StatusCodes.Good.value);
        assert.equal(dv.value.value, true);
      } finally {
        await fresh.close();
      }
    });
  });
});
