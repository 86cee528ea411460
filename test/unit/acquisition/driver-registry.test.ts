import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { type DeviceConfig, isLifelineError, loadSiteConfig } from '../../../core/src/index.js';
import type { Reading } from '../../../core/src/reading.js';
import { AcquisitionManager } from '../../../gateway/src/acquisition/acquisition-manager.js';
import { DEFAULT_DRIVERS, driverRegistry } from '../../../gateway/src/acquisition/driver-registry.js';
import { FIXTURES } from '../../support/fixtures.js';
import { loopbackDrivers, onLoopback } from '../../support/loopback-driver.js';
import { tempStateDir } from '../../support/state-dir.js';

const log = pino({ level: 'silent' });

async function loopbackDevices(): Promise<DeviceConfig[]> {
  const site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
  return site.devices.map(onLoopback);
}

describe('driver registry: a transport plugs in through its registry entry alone', () => {
  it('knows the built-in transports by name', () => {
    assert.deepEqual([...DEFAULT_DRIVERS.keys()].sort(), ['modbus', 'opcua']);
  });

  it('refuses a device whose transport has no driver, naming the ones there are', async () => {
    const devices = await loopbackDevices();
    assert.throws(
      () => new AcquisitionManager(devices, { log, stateDir: tempStateDir() }),
      (e) => isLifelineError(e, 'LL_ERR_UNKNOWN_TRANSPORT') && /loopback/.test(e.message) && /modbus, opcua/.test(e.message),
    );
  });

  it('forwards readings and comm changes, routes writes and reports health of a test-only driver', async () => {
    const devices = await loopbackDevices();
    const factory = loopbackDrivers();
    const manager = new AcquisitionManager(devices, {
      log,
      stateDir: tempStateDir(),
      drivers: driverRegistry([...DEFAULT_DRIVERS.values(), factory]),
    });
    const readings: Reading[] = [];
    const comm: string[] = [];
    manager.on('readings', (r) => readings.push(...r));
    manager.on('comm', (device, state) => comm.push(`${device}:${state}`));
    manager.start();
    const driver = factory.created[0];
    assert.ok(driver?.running, 'the manager started the driver it created');
    assert.deepEqual(comm, ['gas-1:online']);

    driver.set('gas-1', 'lel1', 12.5);
    assert.deepEqual(
      readings.map((r) => [r.device, r.point, r.value, r.quality]),
      [['gas-1', 'lel1', 12.5, 'good']],
    );

    await manager.writePoint('gas-1', 'valve-close', true);
    assert.deepEqual(driver.writes, [{ device: 'gas-1', point: 'valve-close', value: true }]);
    await assert.rejects(manager.writePoint('gas-1', 'lel1', 3), (e) => isLifelineError(e, 'LL_ERR_WRITE_NOT_WRITABLE'));
    await assert.rejects(manager.writePoint('gas-1', 'nope', 3), (e) => isLifelineError(e, 'LL_ERR_UNKNOWN_POINT'));
    assert.equal(driver.writes.length, 1, 'refused writes never reach the driver');

    const [health] = manager.deviceHealth();
    assert.equal(health?.transport, 'loopback');
    assert.equal(health?.counters.writes, 1);

    await manager.stop();
    assert.equal(driver.running, false);
  });
});
