import assert from 'node:assert/strict';
import { join } from 'node:path';
import sinon from 'sinon';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { AlarmEngine, type AlarmTransition } from '../../../gateway/src/alarms/alarm-engine.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('alarm engine: condition kinds', () => {
  let water: SiteConfig;
  let actions: SiteConfig;
  let clock: sinon.SinonFakeTimers;
  let engine: AlarmEngine;
  let events: AlarmTransition[];

  before(async () => {
    water = await loadSiteConfig(join(FIXTURES, 'alarms', 'conditions-site.yaml'));
    actions = await loadSiteConfig(join(FIXTURES, 'alarms', 'actions-site.yaml'));
  });
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    events = [];
  });
  afterEach(() => {
    engine.stop();
    clock.restore();
  });

  const start = (site: SiteConfig) => {
    engine = new AlarmEngine(site.devices, systemClock);
    engine.on('transition', (t) => events.push(t));
    engine.start();
  };
  const feed = (point: string, value: number | boolean | undefined, quality: 'good' | 'bad' = 'good', device = 'pump-1') =>
    engine.evaluate({ device, point, ...(value !== undefined ? { value } : {}), quality, sourceTs: Date.now(), rxTs: Date.now() });
  const raised = () => events.filter((e) => e.event === 'raise').map((e) => e.condition);

  it('rate of change: a jump faster than 0.1 MPa/s raises roc, a slow drift does not', () => {
    start(water);
    feed('pressure', 0.35);
    clock.tick(1000);
    feed('pressure', 0.4); // 0.05 MPa/s
    assert.deepEqual(raised(), []);
    clock.tick(500);
    feed('pressure', 0.5); // 0.2 MPa/s
    assert.deepEqual(raised(), ['roc']);
    assert.equal(events[0]?.value, 0.5);
  });

  it('stale data: no good reading for 5 s raises stale on its timer; the next reading clears it', () => {
    start(water);
    feed('pressure', 0.35);
    clock.tick(4999);
    assert.deepEqual(raised(), []);
    feed('pressure', undefined, 'bad');
    clock.tick(1);
    assert.deepEqual(raised(), ['stale']);
    feed('pressure', 0.36);
    assert.equal(events.at(-1)?.event, 'clear');
    assert.equal(events.at(-1)?.condition, 'stale');
  });

  it('sensor fault: bad quality with a value, or beyond the range by more than 1.25 % of span (NAMUR NE 43)', () => {
    start(water);
    feed('pressure', 1.61); // 1.6 + 0.02 tolerance
    assert.deepEqual(raised(), []);
    feed('pressure', 1.63);
    assert.deepEqual(raised(), ['fault']);
    feed('pressure', 0.35);
    assert.equal(events.at(-1)?.event, 'clear');
    feed('pressure', 0.35, 'bad');
    assert.deepEqual(raised(), ['fault', 'fault']);
  });

  it('plausibility: a value flat within ±0.001 MPa for 60 s raises flatline; movement clears it', () => {
    start(water);
    for (let s = 0; s <= 60; s += 4) {
      feed('pressure', 0.35 + (s % 8 === 0 ? 0.0005 : 0));
      if (s < 60) clock.tick(4000);
    }
    assert.deepEqual(raised(), ['flatline']);
    feed('pressure', 0.36);
    assert.equal(events.at(-1)?.condition, 'flatline');
    assert.equal(events.at(-1)?.event, 'clear');
  });

  it('digital state: the e-bike bit raises and clears state', () => {
    start(actions);
    feed('ebike-detected', false, 'good', 'lift-1');
    feed('ebike-detected', true, 'good', 'lift-1');
    feed('ebike-detected', false, 'good', 'lift-1');
    assert.deepEqual(
      events.map((e) => `${e.alarmId}:${e.event}:${e.value}`),
      ['lift-1/ebike-detected/state:raise:1', 'lift-1/ebike-detected/state:clear:0'],
    );
  });

  it('a low limit raises at or below its set-point', () => {
    start(water);
    feed('pressure', 0.2);
    assert.deepEqual(raised(), ['lo']);
    assert.equal(events[0]?.colour, 'orange');
  });
});
