import assert from 'node:assert/strict';
import { join } from 'node:path';
import sinon from 'sinon';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { AlarmEngine, type AlarmTransition } from '../../../gateway/src/alarms/alarm-engine.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('alarm engine', () => {
  let site: SiteConfig;
  let clock: sinon.SinonFakeTimers;
  let engine: AlarmEngine;
  let events: AlarmTransition[];

  before(async () => {
    site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
  });

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    engine = new AlarmEngine(site.devices, systemClock);
    events = [];
    engine.on('transition', (t) => events.push(t));
  });

  afterEach(() => {
    engine.stop();
    clock.restore();
  });

  const feed = (value: number) =>
    engine.evaluate({ device: 'gas-1', point: 'lel1', value, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() });

  it('raises hihi at once and hi after its on-delay, with the contract fields', () => {
    feed(60);
    assert.deepEqual(
      events.map((e) => e.alarmId),
      ['gas-1/lel1/hihi'],
    );
    clock.tick(999);
    assert.equal(events.length, 1);
    clock.tick(1);
    assert.deepEqual(
      events.map((e) => e.alarmId),
      ['gas-1/lel1/hihi', 'gas-1/lel1/hi'],
    );
    const hihi = events[0] as AlarmTransition;
    assert.equal(hihi.event, 'raise');
    assert.equal(hihi.priority, 1);
    assert.equal(hihi.colour, 'red');
    assert.equal(hihi.state, 'unacknowledged');
    assert.equal(hihi.value, 60);
    assert.equal(hihi.limit, 50);
    assert.equal(hihi.unit, '%LEL');
    assert.equal(hihi.sourceTs, '2026-01-01T00:00:00.000Z');
  });

  it('clears only after the off-delay, and only below limit − hysteresis', () => {
    feed(60);
    feed(49); // inside the 2 %LEL band: still active
    clock.tick(10_000);
    assert.equal(events.filter((e) => e.event === 'clear').length, 0);
    feed(47);
    clock.tick(299); // the fixture's hihi off-delay is 300 ms
    assert.equal(events.filter((e) => e.event === 'clear').length, 0);
    clock.tick(1);
    const clear = events.find((e) => e.event === 'clear' && e.condition === 'hihi');
    assert.ok(clear);
    assert.equal(clear.state, 'returned-unacknowledged');
    assert.equal(clear.value, 47);
  });

  it('ignores bad-quality readings', () => {
    engine.evaluate({ device: 'gas-1', point: 'lel1', quality: 'bad', reason: 'timeout', sourceTs: 0, rxTs: 0 });
    assert.equal(events.length, 0);
  });

  it('lists active and returned-unacknowledged alarms with their detection time', () => {
    feed(60);
    const detectedAt = events[0]?.detectedAt;
    clock.tick(5000);
    const active = engine.activeAlarms();
    assert.deepEqual(active.map((a) => a.alarmId).sort(), ['gas-1/lel1/hi', 'gas-1/lel1/hihi']);
    assert.equal(active.find((a) => a.condition === 'hihi')?.detectedAt, detectedAt);
  });

  it('stop() cancels pending delays', () => {
    feed(30); // hi pending
    engine.stop();
    clock.tick(5000);
    assert.equal(events.length, 0);
  });
});
