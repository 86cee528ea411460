import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sinon from 'sinon';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { demoHint } from '../../../demo/src/demo-hints.js';
import { AlarmEngine, type AlarmTransition } from '../../../gateway/src/alarms/alarm-engine.js';
import { REPO_ROOT } from '../../support/fixtures.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const VALUE_LIMITS = new Set(['hi', 'hihi', 'lo', 'lolo']);
const SAMPLE_MS = 100;

/**
 * The banner's raise and clear hints of every example, run through the
 * gateway's own alarm engine: the raise value raises the alarm the hint names
 * (other limits of the same point may follow, as 60 %LEL also crosses the
 * first level), and the clear — the point's simulated behaviour band — clears
 * every one of them and raises nothing else (0 V at a substation would raise
 * its low-voltage alarms).
 */
describe('demo banner hints, against the alarm engine, for every example', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
  });
  afterEach(() => clock.restore());

  for (const example of readdirSync(EXAMPLES).sort()) {
    it(`examples/${example}: the raise raises what it names, the clear clears it and raises nothing`, async () => {
      const site = await loadSiteConfig(join(EXAMPLES, example, 'site.yaml'));
      const hint = demoHint(site);
      if (!hasValueLimits(site)) {
        assert.equal(hint, undefined, 'no value limits, no hint');
        return;
      }
      assert.ok(hint, `examples/${example} has value limits, so the banner has a hint`);
      const engine = new AlarmEngine(site.devices, systemClock);
      const events: AlarmTransition[] = [];
      engine.on('transition', (t) => events.push(t));
      try {
        const feed = (value: number, forMs: number) => {
          for (let t = 0; t < forMs; t += SAMPLE_MS) {
            engine.evaluate({ device: hint.device, point: hint.point, value, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() });
            clock.tick(SAMPLE_MS);
          }
        };
        const settleMs =
          Math.max(...site.devices.flatMap((d) => d.points.flatMap((p) => p.limits.map((l) => l.onDelayMs + l.offDelayMs)))) + 1000;
        feed(hint.normal.min, settleMs);
        feed(hint.normal.max, settleMs);
        assert.equal(events.length, 0, `the behaviour band alone raises nothing: ${events.map((e) => e.alarmId).join(', ')}`);

        feed(hint.raise, settleMs);
        const raised = events.filter((e) => e.event === 'raise').map((e) => e.alarmId);
        assert.ok(raised.includes(hint.alarmId), `${hint.raise} raises ${hint.alarmId} (raised: ${raised.join(', ')})`);
        for (const id of raised) assert.ok(id.startsWith(`${hint.device}/${hint.point}/`), `${id} is on the hinted point`);

        const before = events.length;
        for (const value of [hint.normal.min, hint.normal.max, hint.normal.min]) feed(value, settleMs);
        const after = events.slice(before);
        assert.deepEqual(
          after.filter((e) => e.event === 'raise'),
          [],
          'the clear raises nothing',
        );
        assert.deepEqual(
          after
            .filter((e) => e.event === 'clear')
            .map((e) => e.alarmId)
            .sort(),
          [...raised].sort(),
          'every raised alarm clears',
        );
        assert.deepEqual(
          engine.activeAlarms().filter((a) => a.state === 'unacknowledged' || a.state === 'acknowledged'),
          [],
          'nothing stays active',
        );
      } finally {
        engine.stop();
      }
    });
  }
});

function hasValueLimits(site: SiteConfig): boolean {
  return site.devices.some((d) =>
    d.points.some((p) => typeof p.initial === 'number' && p.limits.some((l) => VALUE_LIMITS.has(l.condition))),
  );
}
