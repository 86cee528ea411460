import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSiteConfig, type SiteConfig } from '../../core/src/index.js';
import type { RunningDemo } from '../../demo/src/demo.js';
import { rebind } from '../fixtures/sim/rebind.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { requireBinary } from '../support/services.js';
import { startSite } from '../support/site-harness.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const SOCAT = '/usr/bin/socat';
/** How long a site may take from start to every point read good (OPC UA sessions take a few seconds under load). */
const READY_MS = 20_000;

interface DeviceRow {
  id: string;
  comm: { state: string; reason?: string };
}
interface PointRow {
  device: string;
  point: string;
  quality: string;
  reason?: string;
}

/** Every examples/<name>/site.yaml, found afresh so a new example is covered without touching this file. */
const examples = (await readdir(EXAMPLES, { withFileTypes: true }))
  .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES, d.name, 'site.yaml')))
  .map((d) => d.name)
  .sort();

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  return (await res.json()) as T;
}

/** Polls the gateway's API until every device is online and every point good, or says what is still missing. */
async function waitUntilAllGood(dashboard: string): Promise<{ devices: DeviceRow[]; points: PointRow[] }> {
  const deadline = Date.now() + READY_MS;
  for (;;) {
    const devices = await getJson<DeviceRow[]>(new URL('api/devices', dashboard).href);
    const points = await getJson<PointRow[]>(new URL('api/points', dashboard).href);
    const notOnline = devices.filter((d) => d.comm.state !== 'online');
    const notGood = points.filter((p) => p.quality !== 'good');
    if (notOnline.length === 0 && notGood.length === 0) return { devices, points };
    if (Date.now() > deadline) {
      const what = [
        ...notOnline.map((d) => `device ${d.id} ${d.comm.state}${d.comm.reason ? ` (${d.comm.reason})` : ''}`),
        ...notGood.map((p) => `point ${p.device}/${p.point} ${p.quality}${p.reason ? ` (${p.reason})` : ''}`),
      ];
      assert.fail(`not all good after ${READY_MS} ms: ${what.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Every example site a field engineer might copy validates and runs: the
 * firmware simulator serves it (fixed ports moved to free ones, serial lines
 * into a temp folder) and the gateway reads every device online and every
 * point good through its HTTP API.
 */
describe('example sites run against the firmware simulator', function () {
  this.timeout(READY_MS + 15_000);

  it('finds the examples', () => {
    assert.ok(examples.length >= 7, `examples: ${examples.join(', ')}`);
  });

  for (const name of examples) {
    describe(name, () => {
      let site: RunningDemo | undefined;
      let tmp: string | undefined;

      afterEach(async () => {
        await site?.stop();
        site = undefined;
        if (tmp) await rm(tmp, { recursive: true, force: true });
        tmp = undefined;
      });

      it('validates, then every device comes online and every point reads good', async function () {
        const file = join(EXAMPLES, name, 'site.yaml');
        const config = await loadSiteConfig(file, {});
        if (config.devices.some((d) => d.transport === 'modbus' && d.modbus.framing === 'rtu')) requireBinary(this, SOCAT, 'socat');
        const dir = await mkdtemp(join(tmpdir(), `lifeline-example-${name}-`));
        tmp = dir;
        site = await startSite(file, { stateDir: join(dir, 'state'), adapt: (s: SiteConfig) => rebind(s, dir) });
        const { devices, points } = await waitUntilAllGood(site.urls.dashboard);
        assert.deepEqual(
          devices.map((d) => d.id),
          config.devices.map((d) => d.id),
        );
        assert.equal(
          points.length,
          config.devices.reduce((n, d) => n + d.points.length, 0),
        );
      });
    });
  }
});
