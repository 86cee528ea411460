import assert from 'node:assert/strict';
import { join } from 'node:path';
import sinon from 'sinon';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import type { DeviceWriter } from '../../../gateway/src/acquisition/device-writer.js';
import { AlarmEngine, type AlarmTransition } from '../../../gateway/src/alarms/alarm-engine.js';
import { MemoryAlarmStateStore } from '../../../gateway/src/alarms/alarm-state-store.js';
import { gatewayError } from '../../../gateway/src/errors.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('local actions (fake device writer)', () => {
  let site: SiteConfig;
  let clock: sinon.SinonFakeTimers;
  let engine: AlarmEngine;
  let events: AlarmTransition[];
  let store: MemoryAlarmStateStore;
  let writePoint: sinon.SinonStub<Parameters<DeviceWriter['writePoint']>, Promise<void>>;

  before(async () => {
    site = await loadSiteConfig(join(FIXTURES, 'alarms', 'actions-site.yaml'));
  });
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    events = [];
    writePoint = sinon.stub<Parameters<DeviceWriter['writePoint']>, Promise<void>>().resolves();
    store = new MemoryAlarmStateStore();
    engine = new AlarmEngine(site.devices, systemClock, { actions: site.actions, writer: { writePoint }, store });
    engine.on('transition', (t) => events.push(t));
    engine.start();
  });
  afterEach(() => {
    engine.stop();
    clock.restore();
  });

  const feed = (device: string, point: string, value: number | boolean) =>
    engine.evaluate({ device, point, value, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() });
  const writes = () => writePoint.getCalls().map((c) => c.args.join('='));

  it('gas hihi closes the valve and starts the fan, once, and not for hi alone', async () => {
    feed('gas-1', 'lel1', 30);
    await clock.tickAsync(2000);
    assert.deepEqual(writes(), []);
    feed('gas-1', 'lel1', 60);
    feed('gas-1', 'lel1', 65);
    await clock.tickAsync(0);
    assert.deepEqual(writes(), ['gas-1=valve-close=true', 'gas-1=fan-start=true']);
    assert.deepEqual(engine.actionsHolding(), ['gas-shutoff']);
  });

  it('an e-bike holds the door and plays the warning, and releases both when it leaves', async () => {
    feed('lift-1', 'ebike-detected', true);
    await clock.tickAsync(0);
    feed('lift-1', 'ebike-detected', false);
    await clock.tickAsync(0);
    assert.deepEqual(writes(), [
      'lift-1=door-hold=true',
      'lift-1=voice-warning=true',
      'lift-1=door-hold=false',
      'lift-1=voice-warning=false',
    ]);
  });

  it('fire doors release only when two smoke detectors confirm, even with the alarms shelved', async () => {
    engine.shelve('fire-1/smoke1/state', 600_000, { user: 'op' });
    feed('fire-1', 'smoke1', true);
    await clock.tickAsync(0);
    assert.deepEqual(writes(), []);
    feed('fire-1', 'smoke2', true);
    await clock.tickAsync(0);
    assert.deepEqual(writes(), ['fire-1=fire-door-release=true']);
  });

  it('retries a transient failure and succeeds without an alarm', async () => {
    writePoint.onFirstCall().rejects(gatewayError('LL_ERR_ACTION_READBACK', true, 'fire-1', 'fire-door-release', false));
    feed('fire-1', 'smoke1', true);
    feed('fire-1', 'smoke2', true);
    await clock.tickAsync(100);
    assert.equal(writePoint.callCount, 2);
    assert.equal(events.filter((e) => e.condition === 'action').length, 0);
  });

  it('raises an action alarm when every retry fails, and clears it when a later run writes', async () => {
    writePoint.rejects(gatewayError('LL_ERR_MODBUS_IO', 'write', '127.0.0.1:502', 3, 'timeout'));
    feed('fire-1', 'smoke1', true);
    feed('fire-1', 'smoke2', true);
    await clock.tickAsync(1000);
    assert.equal(writePoint.callCount, 3, 'one try and two retries');
    const alarm = events.find((e) => e.condition === 'action');
    assert.ok(alarm);
    assert.equal(alarm.alarmId, 'fire-1/fire-door-release/action');
    assert.equal(alarm.priority, 1);
    assert.match(alarm.reason ?? '', /local action fire-doors could not write fire-1\/fire-door-release: Modbus write/);
    writePoint.resolves();
    feed('fire-1', 'smoke2', false);
    feed('fire-1', 'smoke2', true);
    await clock.tickAsync(0);
    assert.equal(events.at(-1)?.alarmId, 'fire-1/fire-door-release/action');
    assert.equal(events.at(-1)?.event, 'clear');
  });

  it('re-asserts an action whose condition still holds after a restart', async () => {
    feed('gas-1', 'lel1', 60);
    await clock.tickAsync(0);
    engine.stop();
    writePoint.resetHistory();
    engine = new AlarmEngine(site.devices, systemClock, { actions: site.actions, writer: { writePoint }, store });
    engine.start();
    await clock.tickAsync(0);
    assert.deepEqual(writes(), ['gas-1=valve-close=true', 'gas-1=fan-start=true']);
  });

  it('does not retry an error that is not transient', async () => {
    writePoint.rejects(gatewayError('LL_ERR_MODBUS_EXCEPTION', 'fire-1', 3, 2, 'illegal data address'));
    feed('fire-1', 'smoke1', true);
    feed('fire-1', 'smoke2', true);
    await clock.tickAsync(1000);
    assert.equal(writePoint.callCount, 1);
    assert.equal(events.filter((e) => e.condition === 'action').length, 1);
  });
});
