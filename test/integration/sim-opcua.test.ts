import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AttributeIds, BrowseDirection, type DataValue, NodeClass, TimestampsToReturn } from 'node-opcua';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { resolveBrowsePath, withOpcuaSession } from '../fixtures/sim/opcua-client.js';
import { rebind } from '../fixtures/sim/rebind.js';
import { REPO_ROOT } from '../support/fixtures.js';

/** A node-opcua client browses the simulated heat station and fire panel and subscribes to their points. */
describe('OPC UA devices browsed and subscribed by a node-opcua client', function () {
  this.timeout(30_000);
  let sim: FirmwareSimulator;
  let endpoint: (id: string) => string;

  before(async () => {
    const heat = await loadSiteConfig(join(REPO_ROOT, 'examples/heat-exchange-station/site.yaml'));
    const fire = await loadSiteConfig(join(REPO_ROOT, 'examples/fire-panel-room/site.yaml'));
    const site = rebind({ ...heat, devices: [...heat.devices, ...fire.devices.filter((d) => d.transport === 'opcua')] }, '/tmp');
    sim = new FirmwareSimulator(site, pino({ level: 'silent' }));
    const endpoints = await sim.start();
    endpoint = (id) => {
      const at = endpoints.served.get(id);
      assert.ok(at?.kind === 'opcua');
      return at.endpointUrl;
    };
  });
  after(() => sim?.stop());

  it('browses the heat station folders down to typed variables', async () => {
    await withOpcuaSession(endpoint('hx-primary'), async (session) => {
      const folder = await resolveBrowsePath(session, '/2:HeatStation/2:Primary');
      const result = await session.browse({
        nodeId: folder,
        browseDirection: BrowseDirection.Forward,
        resultMask: 63,
        includeSubtypes: true,
      });
      const names = (result.references ?? []).filter((r) => r.nodeClass === NodeClass.Variable).map((r) => r.browseName.name);
      for (const n of ['SupplyPressure', 'ReturnPressure', 'SupplyTemp', 'ReturnTemp', 'Flow', 'HeatEnergy'])
        assert.ok(names.includes(n), n);
    });
  });

  it('delivers a changed value with its source timestamp to a subscription', async () => {
    await withOpcuaSession(endpoint('hx-primary'), async (session) => {
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: 100,
        publishingEnabled: true,
        maxNotificationsPerPublish: 100,
      });
      const seen: DataValue[] = [];
      const item = await subscription.monitor(
        { nodeId: 'ns=2;s=HeatStation.Pump.Running', attributeId: AttributeIds.Value },
        { samplingInterval: 100, queueSize: 10, discardOldest: true },
        TimestampsToReturn.Both,
      );
      item.on('changed', (dv: DataValue) => seen.push(dv));
      const device = sim.devices.get('hx-primary');
      assert.ok(device);
      const before = Date.now();
      sim.setManual(device, 'pump-running', false);
      const deadline = Date.now() + 10_000;
      while (!seen.some((dv) => dv.value.value === false) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const change = seen.find((dv) => dv.value.value === false);
      assert.ok(change, 'the pump trip arrives');
      assert.ok((change.sourceTimestamp?.getTime() ?? 0) >= before - 1000, 'stamped when it changed');
      // Coupling: a stopped pump stops the flow, seen on the server too.
      const flow = await session.read({ nodeId: 'ns=2;s=HeatStation.Primary.Flow', attributeId: AttributeIds.Value });
      assert.equal(flow.value.value, 0);
      await subscription.terminate();
    });
  });

  it('accepts a client write to a writable output and refuses one to a measurement', async () => {
    await withOpcuaSession(endpoint('panel-main'), async (session) => {
      const ok = await session.write({
        nodeId: 'ns=2;s=FirePanel.Outputs.Siren',
        attributeId: AttributeIds.Value,
        value: { value: { dataType: 'Boolean', value: true } },
      });
      assert.ok(ok.isGood(), ok.toString());
      assert.equal(sim.devices.get('panel-main')?.getValue('siren'), true);
      const refused = await session.write({
        nodeId: 'ns=2;s=FirePanel.Zone1.Fire',
        attributeId: AttributeIds.Value,
        value: { value: { dataType: 'Boolean', value: true } },
      });
      assert.ok(!refused.isGood());
      assert.equal(sim.devices.get('panel-main')?.getValue('zone1-fire'), false);
    });
  });
  it('serves variables exception-based and grants a 10 ms subscription, delivering a control-API change without an engine tick', async () => {
    // Last: it stops the engine.
    await withOpcuaSession(endpoint('hx-primary'), async (session) => {
      const minimum = await session.read({
        nodeId: 'ns=2;s=HeatStation.Primary.SupplyPressure',
        attributeId: AttributeIds.MinimumSamplingInterval,
      });
      assert.equal(minimum.value.value, 0, 'MinimumSamplingInterval 0: changes reported as they happen');
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: 10,
        publishingEnabled: true,
        maxNotificationsPerPublish: 100,
      });
      assert.ok(subscription.publishingInterval <= 10, `revised publishing interval ${subscription.publishingInterval} ms`);
      const item = await subscription.monitor(
        { nodeId: 'ns=2;s=HeatStation.Primary.SupplyPressure', attributeId: AttributeIds.Value },
        { samplingInterval: 10, queueSize: 10, discardOldest: true },
        TimestampsToReturn.Both,
      );
      assert.ok(
        (item.monitoringParameters.samplingInterval ?? 100) <= 10,
        `revised sampling ${item.monitoringParameters.samplingInterval} ms`,
      );
      const seen: DataValue[] = [];
      item.on('changed', (dv: DataValue) => seen.push(dv));
      const device = sim.devices.get('hx-primary');
      assert.ok(device);
      // The engine's tick would round the change to 100 ms; a manual set reaches the address space at once.
      sim.engine.stop();
      sim.setManual(device, 'supply-pressure', 1.97);
      const deadline = Date.now() + 10_000;
      // The variable is a Float: 1.97 comes back as its nearest float32.
      const arrived = () => seen.some((dv) => Math.abs(Number(dv.value.value) - 1.97) < 1e-6);
      while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(arrived(), 'the change arrives with the engine stopped');
      await subscription.terminate();
    });
  });
});
