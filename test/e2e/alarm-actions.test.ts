import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FirmwareSimulator } from '@lifeline/firmware-sim';
import type { AlarmEvent } from '@lifeline/twin';
import { pino } from 'pino';
import { applyEnvironment, loadSiteConfig, withDeviceEndpoints } from '../../core/src/index.js';
import { Gateway } from '../../gateway/src/runtime/gateway.js';
import { FIXTURES } from '../support/fixtures.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { freePort } from '../support/ports.js';
import { setPoint } from '../support/site-harness.js';
import { tempStateDir } from '../support/state-dir.js';

/**
 * One e2e test per local action kind: the firmware simulator serves the
 * site's devices over Modbus TCP, the gateway polls them and decides alarms,
 * and its actions write the outputs through its own Modbus links, with the
 * centre broker unreachable the whole time. Outputs are checked through the
 * simulator's own control API, independently of the writer's read-back.
 */
describe('e2e: local actions against the simulator, centre offline', () => {
  let simulator: FirmwareSimulator;
  let gateway: Gateway;
  let local: MqttCollector;
  let simUrl: string;

  beforeEach(async () => {
    const log = pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' });
    const env = {
      LIFELINE_HTTP_PORT: '0',
      LIFELINE_MQTT_PORT: '0',
      LIFELINE_SIM_PORT: '0',
      LIFELINE_STATE_DIR: tempStateDir(),
      // Nothing listens there: the centre is unreachable.
      LIFELINE_CENTRE_URL: `mqtt://127.0.0.1:${await freePort()}`,
    };
    const site = applyEnvironment(await loadSiteConfig(join(FIXTURES, 'alarms', 'actions-site.yaml')), env);
    simulator = new FirmwareSimulator(site, log);
    const sim = await simulator.start();
    simUrl = `http://127.0.0.1:${sim.controlPort}`;
    const served = withDeviceEndpoints(site, sim.devices);
    // Actions write through the gateway's own acquisition: queued ahead of polls on the device's link, then read back.
    gateway = new Gateway(served, { log });
    const { mqttPort } = await gateway.start();
    local = await MqttCollector.open(`mqtt://127.0.0.1:${mqttPort}`, 'lifeline/v1/+/+/alarms');
  });

  afterEach(async () => {
    await local?.close();
    await gateway?.stop();
    await simulator?.stop();
  });

  const output = async (device: string, point: string) => {
    const res = await fetch(`${simUrl}/devices/${device}/points/${point}`);
    return ((await res.json()) as { value: unknown }).value;
  };
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 8000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const raised = (alarmId: string) =>
    local.waitFor(
      (m) => (m.payload as AlarmEvent).alarmId === alarmId && (m.payload as AlarmEvent).event === 'raise',
      8000,
      `raise of ${alarmId}`,
    );

  it('gas hihi closes the shut-off valve and starts the fan', async () => {
    await setPoint(simUrl, 'gas-1', 'lel1', 62);
    await raised('gas-1/lel1/hihi');
    await until('the valve to close', async () => (await output('gas-1', 'valve-close')) === true);
    await until('the fan to start', async () => (await output('gas-1', 'fan-start')) === true);
    assert.deepEqual(gateway.alarms.actionsHolding(), ['gas-shutoff']);
    // The closed valve stops the flow at the station, and the gateway reads it back as 0.
    await until('the gas flow to drop to 0 at the gateway', async () =>
      gateway.live.readings().some((r) => r.device === 'gas-1' && r.point === 'gas-flow' && r.value === 0),
    );
  });

  it('an e-bike in the car holds the door and plays the warning, then releases the door when it leaves', async () => {
    await setPoint(simUrl, 'lift-1', 'ebike-detected', true);
    await raised('lift-1/ebike-detected/state');
    await until('the door hold', async () => (await output('lift-1', 'door-hold')) === true);
    await until('the voice warning', async () => (await output('lift-1', 'voice-warning')) === true);
    await setPoint(simUrl, 'lift-1', 'ebike-detected', false);
    await until('the door release', async () => (await output('lift-1', 'door-hold')) === false);
  });

  it('smoke confirmed by two detectors releases the fire-door holders, one detector does not', async () => {
    await setPoint(simUrl, 'fire-1', 'smoke1', true);
    await raised('fire-1/smoke1/state');
    assert.equal(await output('fire-1', 'fire-door-release'), false);
    await setPoint(simUrl, 'fire-1', 'smoke2', true);
    await until('the fire-door release', async () => (await output('fire-1', 'fire-door-release')) === true);
  });

  it('a write that fails after its retries raises the action alarm', async () => {
    // The fire-door relay is stuck: the write is answered but the read-back disagrees, every retry.
    simulator.addFault({ kind: 'stuck', device: 'fire-1', point: 'fire-door-release' });
    await setPoint(simUrl, 'fire-1', 'smoke1', true);
    await setPoint(simUrl, 'fire-1', 'smoke2', true);
    const failed = await local.waitFor(
      (m) => (m.payload as AlarmEvent).alarmId === 'fire-1/fire-door-release/action',
      8000,
      'the action alarm',
    );
    assert.match((failed.payload as AlarmEvent).reason ?? '', /local action fire-doors could not write fire-1\/fire-door-release/);
    assert.equal(await output('fire-1', 'fire-door-release'), false, 'the stuck relay never moved');
  });
});
