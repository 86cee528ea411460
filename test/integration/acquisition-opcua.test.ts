import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusCodes, Subscription } from 'node-opcua';
import type { Reading } from '../../core/src/reading.js';
import { timingFor } from '../../gateway/src/acquisition/opcua/subscription-timing.js';
import { isLifelineError } from '../../gateway/src/errors.js';
import { AcquisitionProbe } from '../support/acquisition-probe.js';
import { loadTestSite, type TestSite } from '../support/modbus-site.js';
import { OpcuaTestServer } from '../support/opcua-server.js';

const HEAT_UA_PROFILE = {
  id: 'heat-station-ua',
  kind: 'heat-network-station',
  name: 'Heat exchange station (OPC UA)',
  points: {
    pressure: { name: 'Supply pressure', unit: 'MPa', opcua: { browsePath: '/1:HeatStation/1:SupplyPressure' } },
    temp: { name: 'Supply temperature', unit: '°C', opcua: { browsePath: '/1:HeatStation/1:SupplyTemp' } },
    pump: { name: 'Circulation pump run', opcua: { browsePath: '/1:HeatStation/1:Pump' }, writable: true },
    label: { name: 'Station label (a string: not a measurement)', opcua: { browsePath: '/1:HeatStation/1:Label' } },
    missing: { name: 'A variable this server does not have', opcua: { browsePath: '/1:HeatStation/1:ReturnPressure' } },
  },
};

describe('acquisition over OPC UA subscriptions (node-opcua server in the test)', function () {
  this.timeout(40_000);
  let server: OpcuaTestServer | undefined;
  let site: TestSite | undefined;
  let probe: AcquisitionProbe | undefined;
  // RSA key generation is slow on a busy machine: one server PKI and one gateway stateDir for the whole suite.
  let shared: string;

  before(async () => {
    shared = await mkdtemp(join(tmpdir(), 'lifeline-opcua-'));
  });
  after(async () => {
    await rm(shared, { recursive: true, force: true });
  });

  const startServer = (options: { port?: number; generation?: number } = {}) =>
    OpcuaTestServer.start({ ...options, pkiDir: join(shared, 'server-pki') });

  afterEach(async () => {
    await probe?.manager.stop();
    await server?.stop();
    await site?.cleanup();
    probe = undefined;
    server = undefined;
    site = undefined;
  });

  async function start(opcua: Record<string, unknown>, acquisition: Record<string, unknown> = {}) {
    site = await loadTestSite(
      [
        {
          id: 'heat-1',
          profile: 'heat-station-ua',
          opcua,
          pollIntervalMs: 50,
          acquisition: { backoff: { baseMs: 200, maxMs: 1000 }, ...acquisition },
        },
      ],
      [HEAT_UA_PROFILE],
      join(shared, 'gateway-state'),
    );
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    return probe;
  }

  const good = (p: AcquisitionProbe, point: string, from = 0): Reading[] =>
    p.readings.slice(from).filter((r) => r.device === 'heat-1' && r.point === point && r.quality === 'good');

  it('maps values, source timestamps, status codes and unexpected types onto readings; applies the deadband', async () => {
    server = await startServer();
    const p = await start({ endpointUrl: server.endpointUrl }, { opcua: { deadband: { type: 'absolute', value: 0.5 } } });
    await p.until(
      () => ['pressure', 'temp', 'pump'].every((pt) => good(p, pt).length > 0) && p.latest('heat-1', 'label') !== undefined,
      10_000,
      'subscribed',
    );
    assert.equal(p.latest('heat-1', 'pressure')?.value, 0.6);
    assert.equal(p.latest('heat-1', 'pump')?.value, false);
    const label = p.latest('heat-1', 'label');
    assert.equal(label?.quality, 'bad');
    assert.match(label?.reason ?? '', /sent a String, expected a number or boolean/);
    assert.ok(p.health('heat-1').counters.badFrames >= 1);
    assert.match(p.latest('heat-1', 'missing')?.reason ?? '', /browse path \/1:HeatStation\/1:ReturnPressure not found/);
    assert.equal(p.health('heat-1').comm, 'degraded', 'an unresolved point degrades the device');
    // 50 ms sampling is the fast path: publishing at the server's fastest, keep-alive and lifetime fitted to it.
    assert.deepEqual(p.health('heat-1').subscription, timingFor(Subscription.minimumPublishingInterval));

    const at = p.readings.length;
    const before = Date.now();
    server.set('SupplyTemp', 85.2); // inside the 0.5 deadband: filtered by the server
    // Two publish cycles pass (seen on the unfiltered Pump) before the next change, so 85.2 was sampled.
    server.set('Pump', true);
    await p.until(() => p.latest('heat-1', 'pump')?.value === true, 5000, 'pump on');
    server.set('Pump', false);
    await p.until(() => p.latest('heat-1', 'pump')?.value === false, 5000, 'pump off');
    server.set('SupplyTemp', 90);
    await p.until(() => good(p, 'temp', at).some((r) => r.value === 90), 5000, 'temp 90');
    assert.deepEqual(
      good(p, 'temp', at).map((r) => r.value),
      [90],
      'the deadband filtered 85.2',
    );
    const t = good(p, 'temp', at)[0] as Reading;
    assert.ok(t.sourceTs >= before - 1000 && t.sourceTs <= t.rxTs + 1000, 'source timestamp from the server');

    server.set('SupplyPressure', 0.7, StatusCodes.UncertainLastUsableValue);
    await p.until(() => p.latest('heat-1', 'pressure')?.quality === 'uncertain', 5000, 'uncertain');
    assert.equal(p.latest('heat-1', 'pressure')?.reason, 'UncertainLastUsableValue');
    assert.equal(p.latest('heat-1', 'pressure')?.value, 0.7);
    server.set('SupplyPressure', 0.7, StatusCodes.BadSensorFailure);
    await p.until(() => p.latest('heat-1', 'pressure')?.quality === 'bad', 5000, 'bad status');
    assert.equal(p.latest('heat-1', 'pressure')?.reason, 'BadSensorFailure');
    assert.ok(p.health('heat-1').counters.exceptions >= 1);

    await p.manager.writePoint('heat-1', 'pump', true);
    assert.equal(server.get('Pump'), true);
    await assert.rejects(p.manager.writePoint('heat-1', 'temp', 1), (e) => isLifelineError(e, 'LL_ERR_WRITE_NOT_WRITABLE'));
  });

  it('re-creates the subscription after a server restart within 10 s, re-resolving browse paths, with no value lost or duplicated', async () => {
    server = await startServer({ generation: 1 });
    const port = server.port;
    const firstId = server.nodeIdOf('SupplyPressure');
    const p = await start({ endpointUrl: server.endpointUrl });
    await p.until(() => good(p, 'pressure').length > 0, 10_000, 'subscribed');

    await server.stop();
    await p.until(() => p.health('heat-1').comm === 'offline', 10_000, 'offline');
    assert.equal(p.latest('heat-1', 'pressure')?.quality, 'bad');

    server = await startServer({ port, generation: 2 });
    assert.notEqual(server.nodeIdOf('SupplyPressure'), firstId, 'the restarted server uses other node ids');
    const restartedAt = Date.now();
    const from = p.readings.length;
    await p.until(() => good(p, 'pressure', from).length > 0 && good(p, 'temp', from).length > 0, 10_000, 'subscription back');
    assert.ok(Date.now() - restartedAt < 10_000);
    assert.equal(p.health('heat-1').counters.reconnects, 1);

    const sequence = [1.1, 1.2, 1.3, 1.4, 1.5];
    for (const v of sequence) {
      server.set('SupplyPressure', v);
      await p.until(() => good(p, 'pressure', from).some((r) => r.value === v), 5000, `pressure ${v}`);
    }
    assert.deepEqual(
      good(p, 'pressure', from).map((r) => r.value),
      [0.6, ...sequence],
      'the initial value once, then every change exactly once, in order',
    );
    assert.deepEqual(
      good(p, 'temp', from).map((r) => r.value),
      [85],
    );
  });

  for (const securityMode of ['Sign', 'SignAndEncrypt'] as const) {
    it(`connects with ${securityMode} (Basic256Sha256) and keeps its certificate under the stateDir`, async () => {
      server = await startServer();
      const p = await start({ endpointUrl: server.endpointUrl, securityMode, securityPolicy: 'Basic256Sha256' });
      await p.until(() => good(p, 'pressure').length > 0, 20_000, 'subscribed over a secure channel');
      const own = await readdir(join((site as TestSite).config.stateDir, 'pki', 'own', 'certs'));
      assert.ok(
        own.some((f) => f.endsWith('.pem')),
        `client certificate in stateDir/pki/own/certs: ${own.join(', ')}`,
      );
      server.set('SupplyTemp', 70);
      await p.until(() => p.latest('heat-1', 'temp')?.value === 70, 5000, 'secured data change');
    });
  }
});
