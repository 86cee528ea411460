import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunningDemo } from '../../demo/src/demo.js';
import { demoBanner } from '../../demo/src/demo-banner.js';
import { rebind } from '../fixtures/sim/rebind.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { setPoint, startSite } from '../support/site-harness.js';
import { tempStateDir } from '../support/state-dir.js';

interface ListedAlarm {
  readonly alarmId: string;
  readonly device: string;
  readonly point: string;
  readonly state: string;
}

/** The raise and clear commands exactly as the banner prints them, and the alarm it says the raise raises. */
function bannerHints(banner: string) {
  const raise = /raise an alarm: curl -X PUT -H 'content-type: application\/json' -d '(\{[^']*\})' (\S+)\n\s+(\S+) \(/.exec(banner);
  const clear = /clear it:\s+curl -X DELETE (\S+)/.exec(banner);
  assert.ok(raise && clear, banner);
  return { body: raise[1] as string, url: raise[2] as string, alarmId: raise[3] as string, clearUrl: clear[1] as string };
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The banner of a running demo, followed as a new user would: its curl
 * commands sent with fetch to the real simulator control API, the outcome
 * read from the gateway's /api/alarms.
 */
describe('demo banner hints against a running demo', function () {
  this.timeout(40_000);
  let demo: RunningDemo | undefined;
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  const alarms = async (): Promise<ListedAlarm[]> => (await fetch(`${demo?.urls.dashboard}api/alarms`)).json() as Promise<ListedAlarm[]>;
  const start = (example: string) =>
    startSite(join(REPO_ROOT, 'examples', example, 'site.yaml'), { adapt: (site) => rebind(site, tempStateDir()) });

  for (const example of ['demo', 'substation']) {
    it(`examples/${example}: the printed raise raises the named alarm, the printed clear clears it and raises nothing`, async () => {
      demo = await start(example);
      const hints = bannerHints(demoBanner(demo));
      const put = await fetch(hints.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: hints.body });
      assert.equal(put.status, 200, await put.text());
      const raised = await until('the named alarm', alarms, (list) =>
        list.some((a) => a.alarmId === hints.alarmId && a.state === 'unacknowledged'),
      );
      const point = raised.find((a) => a.alarmId === hints.alarmId) as ListedAlarm;

      const del = await fetch(hints.clearUrl, { method: 'DELETE' });
      const released = await del.text();
      assert.equal(del.status, 200, released);
      assert.equal((JSON.parse(released) as { mode: string }).mode, 'behaviour');
      const after = await until('every alarm of the point to clear', alarms, (list) =>
        list.every((a) => a.state === 'returned-unacknowledged'),
      );
      assert.ok(
        after.some((a) => a.alarmId === hints.alarmId),
        `${hints.alarmId} cleared: ${JSON.stringify(after)}`,
      );
      for (const a of after)
        assert.equal(`${a.device}/${a.point}`, `${point.device}/${point.point}`, `${a.alarmId} was raised by the clear`);
    });
  }

  for (const [example, device, action] of [
    ['demo', 'gas-1', 'gas-shutoff'],
    ['gas-station', 'gas-hall', 'hall-gas-shutoff'],
  ] as const) {
    it(`examples/${example}: the red gas alarm closes the valve and the gas flow at the gateway falls to 0`, async () => {
      demo = await start(example);
      assert.match(demoBanner(demo), new RegExp(`local action ${action} sets ${device}/valve-close = true, so gas-flow falls to 0`));
      const sim = demo.urls.simulator;
      const valve = async () => ((await (await fetch(`${sim}/devices/${device}/points/valve-close`)).json()) as { value: unknown }).value;
      const gasFlow = async () => {
        const points = (await (await fetch(`${demo?.urls.dashboard}api/points`)).json()) as {
          device: string;
          point: string;
          value: unknown;
        }[];
        return points.find((p) => p.device === device && p.point === 'gas-flow')?.value;
      };
      await until('a gas flow reading', gasFlow, (v) => typeof v === 'number' && v > 0);
      assert.equal(await valve(), false, 'open before the alarm');

      await setPoint(sim, device, 'lel2', 65);
      await until('the red alarm', alarms, (list) => list.some((a) => a.alarmId === `${device}/lel2/hihi`));
      await until('the valve to close', valve, (v) => v === true);
      await until('the gas flow at the gateway to fall to 0', gasFlow, (v) => v === 0);
    });
  }
});
