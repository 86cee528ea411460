import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSiteConfig } from '../../../core/src/index.js';
import { ModbusException, SimulatedDevice } from '../../../firmware-sim/src/simulated-device.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('simulated device', () => {
  let device: SimulatedDevice;
  beforeEach(async () => {
    const site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    const config = site.devices[0];
    assert.ok(config?.transport === 'modbus');
    device = new SimulatedDevice(config);
  });

  it('stores engineering values as profile-encoded registers', () => {
    device.setValue('lel1', 31.4);
    assert.deepEqual(device.read('holding', 0, 1), [314]);
    assert.equal(device.getValue('lel1'), 31.400000000000002);
  });

  it('keeps bit points and their status word consistent', () => {
    device.setValue('fault', true);
    assert.equal(device.getValue('status'), 4);
    device.setValue('status', 3);
    assert.equal(device.getValue('alarm-level1'), true);
    assert.equal(device.getValue('fault'), false);
  });

  it('reads unmapped registers inside the map as 0 and outside it as exception 2', () => {
    assert.deepEqual(device.read('holding', 4, 3), [0, 0, 0]);
    assert.throws(
      () => device.read('holding', 22, 1),
      (e) => e instanceof ModbusException && e.modbusErrorCode === 2,
    );
    assert.throws(
      () => device.read('input', 0, 1),
      (e) => e instanceof ModbusException && e.modbusErrorCode === 2,
    );
  });

  it('accepts Modbus writes only to writable points', () => {
    device.write('coil', 0, 1);
    assert.equal(device.getValue('valve-close'), true);
    assert.throws(
      () => device.write('holding', 0, 5),
      (e) => e instanceof ModbusException && e.modbusErrorCode === 2,
    );
  });

  it('rejects values of the wrong type with LL_ERR_SIM_BAD_VALUE', () => {
    assert.throws(() => device.setValue('lel1', true), /LEL|takes a finite number/);
    assert.throws(() => device.setValue('valve-close', 1), /takes true or false/);
    assert.throws(() => device.setValue('nope', 1), /has no point "nope"/);
  });
});

describe('simulated device change listeners', () => {
  it('reports every view a change touches: a bit and its status word', async () => {
    const site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    const config = site.devices[0];
    assert.ok(config);
    const device = new SimulatedDevice(config);
    const seen: string[] = [];
    device.onChange((p, before, after, cause) => seen.push(`${p.id} ${before}→${after} ${cause}`));
    device.setValue('fault', true, 'test');
    assert.deepEqual(seen.sort(), ['fault false→true test', 'status 0→4 test']);
  });
});
