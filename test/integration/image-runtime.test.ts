import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { rehearseRuntime } from '../../scripts/rehearse-image.js';
import { type CliRun, killCli, startCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { tempStateDir } from '../support/state-dir.js';

const run = promisify(execFile);

/** Every file under `dir` (relative, `/`-separated), not descending into node_modules. */
async function appFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .filter((f) => !f.startsWith('node_modules/'));
}

/**
 * The runtime image without Docker: scripts/rehearse-image.ts replays the
 * Dockerfile's prod-deps and runtime stages (their COPY lines and `npm ci`)
 * into a temporary folder, and the gateway runs from there with no
 * TypeScript loader and no source condition — what the container runs.
 */
describe('the runtime image (Dockerfile stages rehearsed outside Docker)', function () {
  // One `npm ci --omit=dev` from the npm cache: ~10 s on a quiet machine.
  this.timeout(120_000);
  let dir: string;
  let app: string;
  let demo: CliRun | undefined;

  before(async () => {
    if (!existsSync(join(REPO_ROOT, 'gateway/dist/cli/main.js'))) throw new Error('not built: run npm run build');
    dir = await mkdtemp(join(tmpdir(), 'lifeline-image-'));
    app = await rehearseRuntime(dir);
  });
  afterEach(async () => {
    await killCli(demo);
    demo = undefined;
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const node = (args: string[]) =>
    run(process.execPath, args, { cwd: app, env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' } });

  it('holds built output, production dependencies and runtime data, and no tests, benches, docs, sources or tsbuildinfo', async () => {
    const files = await appFiles(app);
    const stray = files.filter((f) => /(^|\/)(test|bench|docs|src)\//.test(f) || /\.ts$|\.tsbuildinfo$/.test(f));
    assert.deepEqual(stray, []);
    for (const needed of [
      'package.json',
      'gateway/package.json',
      'gateway/bin/lifeline-gateway.js',
      'gateway/dist/cli/main.js',
      'core/dist/index.js',
      'demo/bin/lifeline-gateway.js',
      'firmware-sim/bin/firmware-sim.js',
      'firmware-sim/scenarios/gas-leak.yaml',
      'twin/bin/lifeline-centre.js',
      'device-profiles/gas-detector.yaml',
      'dashboards/web/index.html',
      'examples/demo/site.yaml',
    ])
      assert.ok(files.includes(needed), `${needed} is in the image`);
    assert.ok(!files.some((f) => f.startsWith('nodes/')), 'the Node-RED nodes are only in the node-red image');
    for (const dev of ['typescript', 'mocha', 'tsx', 'node-red', 'sinon'])
      assert.ok(!existsSync(join(app, 'node_modules', dev)), `devDependency ${dev} is not installed`);
    assert.ok(existsSync(join(app, 'node_modules/better-sqlite3/prebuilds/linux-x64.node')), 'the SQLite prebuild ships');
  });

  it('validates the demo site with the built CLI', async () => {
    const { stdout } = await node(['gateway/bin/lifeline-gateway.js', 'validate', 'examples/demo/site.yaml']);
    assert.match(stdout, /site\.yaml: ok \(site demo-restaurant, gateway gw-01, 1 device\(s\)/);
  });

  it('runs the demo: the dashboard, its API and /metrics answer, and SIGTERM exits 0', async () => {
    demo = startCli(join(app, 'demo/bin/lifeline-gateway.js'), ['demo'], {
      NODE_OPTIONS: '',
      NODE_ENV: 'production',
      LIFELINE_STATE_DIR: tempStateDir(),
      LIFELINE_HTTP_PORT: '0',
      LIFELINE_MQTT_PORT: '0',
      LIFELINE_SIM_PORT: '0',
    });
    await demo.waitForOutput('Ctrl-C stops everything', 30_000);
    const dashboard = /dashboard\s+(http:\S+)/.exec(demo.stdout)?.[1];
    assert.ok(dashboard, demo.stdout);
    const page = await fetch(dashboard);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i, 'dashboards/web is served');
    const deadline = Date.now() + 15_000;
    let health: { devices?: Record<string, string> } = {};
    while (health.devices?.['gas-1'] !== 'online' && Date.now() < deadline) {
      health = (await (await fetch(new URL('api/health', dashboard))).json()) as typeof health;
      if (health.devices?.['gas-1'] !== 'online') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(health.devices?.['gas-1'], 'online', 'the gateway polls the simulator (SQLite, Modbus) from the image');
    assert.match(await (await fetch(new URL('metrics', dashboard))).text(), /^lifeline_poll_requests_total\{/m);
    demo.child.kill('SIGTERM');
    assert.equal(await demo.exited, 0);
  });
});
