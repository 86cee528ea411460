import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import sinon from 'sinon';
import { loadSiteConfig } from '../../../core/src/index.js';
import { listScenarioFiles } from '../../../firmware-sim/src/scenarios/load-scenario.js';
import { FirmwareSimulator } from '../../../firmware-sim/src/simulator.js';
import { FIXTURES } from '../../support/fixtures.js';

interface Trace {
  min: number;
  max: number;
  last: number | boolean;
  crossings: number;
  seen: (number | boolean)[];
}

/** What each shipped scenario must make happen, observed on the device's register image. */
const EXPECT: Record<string, (t: (device: string, point: string) => Trace) => void> = {
  'gas-leak': (t) => {
    assert.ok(t('gas-1', 'lel1').max >= 29.9, 'ramps to 30 %LEL');
    assert.equal(t('gas-1', 'lel1').last, 0, 'recovers');
    assert.deepEqual(t('gas-1', 'alarm-level1').seen, [true, false], 'first-level alarm latched then reset');
  },
  'voltage-sag': (t) => {
    assert.ok(t('pm-1', 'ua').min <= 150.01 && t('pm-1', 'ub').min <= 151.01, 'sags below 70 %');
    assert.deepEqual(t('pm-1', 'sag-event').seen, [true, false]);
  },
  'frequency-excursion': (t) => {
    assert.ok(t('pm-1', 'frequency').min <= 49.46, 'below −0.5 Hz');
    assert.ok(t('pm-1', 'frequency').max >= 50.29, 'overshoot above +0.2 Hz');
  },
  'water-main-burst': (t) => {
    assert.ok(t('ws-1', 'pressure').min <= 0.111, 'pressure collapses');
    assert.ok(t('ws-1', 'flow').max >= 1149, 'flow surges');
  },
  'heat-pump-trip': (t) => {
    assert.equal(t('hs-1', 'flow').min, 0, 'coupling: a stopped pump stops the flow');
    assert.deepEqual(t('hs-1', 'pump-running').seen, [false, true]);
    assert.ok(t('hs-1', 'supply-temp').min <= 78.1);
  },
  'smoke-two-zones': (t) => {
    assert.ok(t('fp-1', 'smoke1').max >= 5.19 && t('fp-1', 'smoke3').max >= 4.79);
    assert.equal(t('fp-1', 'zone1-fire').last, true);
    assert.equal(t('fp-1', 'zone2-fire').last, true);
  },
  'ebike-enters-elevator': (t) => {
    assert.deepEqual(t('lift-1', 'ebike-detected').seen, [true, false]);
    assert.deepEqual(t('lift-1', 'door-hold').seen, [true, false], 'coupling: door held while the e-bike is in');
    assert.deepEqual(t('lift-1', 'voice-warning').seen, [true, false]);
    assert.equal(t('lift-1', 'event-count').last, 38);
  },
  'sensor-wire-break': (t) => {
    assert.ok(t('ws-1', 'pressure-ma').min < 3.6, 'below NAMUR NE 43 3.6 mA');
    assert.ok(t('ws-1', 'pressure-ma').max > 4, 'repaired');
  },
  'residual-current-trip': (t) => {
    assert.ok(t('ef-1', 'rc1').max >= 500, 'past the 500 mA upper setting of GB 50116-2013 §9.2.3');
    assert.equal(t('ef-1', 'rc1').min, 0, 'coupling: the tripped feeder carries no leakage');
    assert.deepEqual(t('ef-1', 'trip').seen, [true, false], 'trips, then recloses');
    assert.deepEqual(t('ef-1', 'rc1-alarm').seen, [true, false]);
  },
  'cable-overheating': (t) => {
    assert.ok(t('ef-1', 't2').max >= 94.9, 'beyond the 90 °C XLPE rating');
    assert.ok((t('ef-1', 't2').last as number) < 45, 'cools down, then back to its behaviour');
    assert.deepEqual(t('ef-1', 't2-alarm').seen, [true, false]);
  },
  'fire-water-pressure-loss': (t) => {
    assert.ok(t('fw-1', 'pressure').min <= 0.041, 'below the 0.07 MPa of GB 50974-2014 §5.2.2');
    assert.ok(Math.abs((t('fw-1', 'pressure').last as number) - 0.18) < 0.01, 'repressurised');
    assert.deepEqual(t('fw-1', 'pump-running').seen, [true, false], 'starts, then trips');
    assert.deepEqual(t('fw-1', 'pump-fault').seen, [true, false]);
  },
  'fire-tank-draining': (t) => {
    assert.ok(t('fw-1', 'level').min <= 2.401, 'below the 3.0 m low alarm level');
    assert.ok(Math.abs((t('fw-1', 'level').last as number) - 4.2) < 0.02, 'refilled');
  },
  'flapping-limit': (t) => {
    assert.ok(t('gas-1', 'lel2').crossings >= 9, `crosses 25 %LEL ${t('gas-1', 'lel2').crossings} times`);
    assert.ok(Math.abs((t('gas-1', 'lel2').last as number) - 3) < 0.11, 'settles');
  },
};

describe('scenarios run to completion in accelerated time', () => {
  let clock: sinon.SinonFakeTimers;
  let sim: FirmwareSimulator;
  let traces: Map<string, Trace>;

  beforeEach(async () => {
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 0, 15, 8),
      toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'],
    });
    sim = new FirmwareSimulator(await loadSiteConfig(join(FIXTURES, 'sim/all-kinds.yaml')), pino({ level: 'silent' }));
    traces = new Map();
    for (const d of sim.devices.values()) {
      d.onChange((p, _before, after) => {
        const k = `${d.id} ${p.id}`;
        const t = traces.get(k) ?? { min: Infinity, max: -Infinity, last: after, crossings: 0, seen: [] };
        if (typeof after === 'number') {
          if (typeof t.last === 'number' && (t.last - 25) * (after - 25) < 0) t.crossings++;
          t.min = Math.min(t.min, after);
          t.max = Math.max(t.max, after);
        } else t.seen.push(after);
        t.last = after;
        traces.set(k, t);
      });
    }
    sim.engine.start();
  });
  afterEach(() => {
    sim.scenarios.stopAll();
    sim.engine.stop();
    clock.restore();
  });

  it('ships every scenario the issue lists, each with its expectation here', async () => {
    assert.deepEqual([...(await listScenarioFiles()).keys()].sort(), Object.keys(EXPECT).sort());
  });

  for (const [name, expect] of Object.entries(EXPECT)) {
    it(`${name} completes at ×2000 and does what it says`, async () => {
      const started = await sim.scenarios.start(name, { timeScale: 2000 });
      assert.equal(started.state, 'running');
      const done = sim.scenarios.finished(name);
      await clock.tickAsync(started.durationMs / 2000 + 500);
      const status = await done;
      assert.equal(status.state, 'completed');
      assert.equal(status.elapsedMs, status.durationMs);
      const t = (device: string, point: string): Trace => {
        const trace = traces.get(`${device} ${point}`);
        assert.ok(trace, `${device} ${point} never changed`);
        return trace;
      };
      expect(t);
      for (const d of status.devices) {
        for (const p of sim.devices.get(d)?.points ?? []) assert.notEqual(sim.engine.modeOf(d, p.id), 'scenario', `${d} ${p.id} released`);
      }
    });
  }

  it('stops a running scenario on request and gives its points back', async () => {
    await sim.scenarios.start('gas-leak', { timeScale: 1 });
    await clock.tickAsync(1000);
    assert.equal(sim.engine.modeOf('gas-1', 'lel1'), 'scenario');
    assert.equal(sim.scenarios.stop('gas-leak').state, 'stopped');
    assert.equal(sim.engine.modeOf('gas-1', 'lel1'), 'behaviour');
  });
});
