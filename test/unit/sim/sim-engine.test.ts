import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import sinon from 'sinon';
import { loadSiteConfig } from '../../../core/src/index.js';
import { behaviourValue } from '../../../firmware-sim/src/engine/point-behaviour.js';
import { FirmwareSimulator } from '../../../firmware-sim/src/simulator.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('point behaviour', () => {
  const H = 3_600_000;
  const cases: [string, Parameters<typeof behaviourValue>, number][] = [
    ['constant without behaviour keys', [10, {}, 5 * H, 3, 0.9], 10],
    ['drift per hour', [10, { driftPerHour: 2 }, 3 * H, 0, 0.5], 16],
    ['daily cycle at its peak hour', [100, { daily: { amplitude: 5, peakHour: 4 } }, 0, 4, 0.5], 105],
    ['daily cycle twelve hours from the peak', [100, { daily: { amplitude: 5, peakHour: 4 } }, 0, 16, 0.5], 95],
    ['noise at its top', [50, { noise: 1 }, 0, 0, 1], 51],
    ['noise at its bottom', [50, { noise: 1 }, 0, 0, 0], 49],
    ['clamped to the range', [0.5, { noise: 1 }, 0, 0, 0, { min: 0, max: 100 }], 0],
  ];
  for (const [name, args, expected] of cases) {
    it(name, () => assert.ok(Math.abs(behaviourValue(...args) - expected) < 1e-9, `${behaviourValue(...args)} ≠ ${expected}`));
  }
});

describe('simulation engine', () => {
  let clock: sinon.SinonFakeTimers;
  let sim: FirmwareSimulator;
  const lines: string[] = [];

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2026, 0, 15, 8), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line).msg) });
    sim = new FirmwareSimulator(await loadSiteConfig(join(FIXTURES, 'sim/all-kinds.yaml')), log);
    sim.engine.start();
  });
  afterEach(() => {
    sim.engine.stop();
    clock.restore();
    lines.length = 0;
  });
  const dev = (id: string) => {
    const d = sim.devices.get(id);
    assert.ok(d);
    return d;
  };

  it('moves points with behaviour, within their range, and leaves constant ones alone', () => {
    const before = dev('pm-1').getValue('ia');
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) {
      clock.tick(1000);
      const v = dev('pm-1').getValue('ia') as number;
      assert.ok(v >= 0 && v <= 1000);
      seen.add(v);
    }
    assert.ok(seen.size > 1 || !seen.has(before as number), 'noise moves the current');
    assert.equal(dev('gas-1').getValue('lel1'), 0, 'no behaviour keys: constant');
  });

  it('holds a manual value against the behaviour', () => {
    sim.setManual(dev('pm-1'), 'ua', 230);
    clock.tick(5000);
    assert.ok(Math.abs((dev('pm-1').getValue('ua') as number) - 230) < 1e-3);
  });

  it('hands a hand-set point back to its behaviour at once: a constant one to its initial value, a noisy one into its band', () => {
    sim.setManual(dev('gas-1'), 'lel1', 60);
    sim.setManual(dev('pm-1'), 'ua', 150);
    clock.tick(3000);
    assert.equal(dev('gas-1').getValue('lel1'), 60);
    assert.ok(sim.release(dev('gas-1'), 'lel1'));
    assert.ok(sim.release(dev('pm-1'), 'ua'));
    assert.equal(dev('gas-1').getValue('lel1'), 0, 'no behaviour keys: back to initial, not left at 60');
    assert.equal(sim.engine.modeOf('gas-1', 'lel1'), 'behaviour');
    const ua = dev('pm-1').getValue('ua') as number;
    assert.ok(ua > 200 && ua < 240, `ua ${ua} is back near its 220.5 V behaviour`);
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) {
      clock.tick(1000);
      seen.add(dev('pm-1').getValue('ua') as number);
    }
    assert.ok(seen.size > 1, 'the behaviour moves it again');
  });

  it('leaves a released point that a coupling holds where the coupling holds it', () => {
    dev('gas-1').write('coil', 0, 1); // the valve closes: flow is held at 0
    sim.setManual(dev('gas-1'), 'gas-flow', 30);
    assert.equal(dev('gas-1').getValue('gas-flow'), 0, 'the coupling wins over a hand-set value');
    assert.equal(sim.release(dev('gas-1'), 'gas-flow'), false);
    assert.equal(dev('gas-1').getValue('gas-flow'), 0);
    assert.equal(sim.engine.modeOf('gas-1', 'gas-flow'), 'behaviour');
  });

  it('couples gas flow to the shut-off valve, whoever closes it', () => {
    clock.tick(2000);
    assert.ok((dev('gas-1').getValue('gas-flow') as number) > 0);
    dev('gas-1').write('coil', 0, 1); // a Modbus client closes the valve
    assert.equal(dev('gas-1').getValue('gas-flow'), 0);
    clock.tick(5000);
    assert.equal(dev('gas-1').getValue('gas-flow'), 0, 'behaviour does not reopen the flow');
    assert.ok(
      lines.some((l) => /gas-1 gas-flow .* → 0 m³\/h \(coupling: a closed emergency shut-off valve/.test(l)),
      lines.join('\n'),
    );
  });

  it('keeps the door held while an e-bike is in the car, even against a client write', () => {
    sim.setManual(dev('lift-1'), 'ebike-detected', true);
    assert.equal(dev('lift-1').getValue('door-hold'), true);
    dev('lift-1').write('coil', 0, 0);
    assert.equal(dev('lift-1').getValue('door-hold'), true);
    sim.setManual(dev('lift-1'), 'ebike-detected', false);
    dev('lift-1').write('coil', 0, 0);
    assert.equal(dev('lift-1').getValue('door-hold'), false);
  });

  it('freezes a stuck point against scenarios and people until the fault is cleared', () => {
    sim.setManual(dev('gas-1'), 'lel3', 12);
    const fault = sim.addFault({ kind: 'stuck', device: 'gas-1', point: 'lel3' });
    sim.setManual(dev('gas-1'), 'lel3', 40);
    assert.equal(dev('gas-1').getValue('lel3'), 12);
    sim.removeFault(fault.id);
    sim.setManual(dev('gas-1'), 'lel3', 40);
    assert.equal(dev('gas-1').getValue('lel3'), 40);
  });

  it('answers a Modbus write to a stuck relay but leaves it where it was', () => {
    const fault = sim.addFault({ kind: 'stuck', device: 'lift-1', point: 'door-hold' });
    dev('lift-1').write('coil', 0, 1);
    assert.equal(dev('lift-1').getValue('door-hold'), false);
    sim.removeFault(fault.id);
    dev('lift-1').write('coil', 0, 1);
    assert.equal(dev('lift-1').getValue('door-hold'), true);
  });

  it('writes a readable live log line per change', () => {
    sim.setManual(dev('gas-1'), 'lel1', 25);
    assert.ok(lines.includes('gas-1 lel1 0 → 25 %LEL (manual)'), lines.join('\n'));
  });
});
