import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { BUILT_IN_PROFILES_DIR, findProfile, isConfigError, loadSiteConfig, type Profile } from '../../../core/src/index.js';
import { listScenarioFiles, loadScenarioFile } from '../../../firmware-sim/src/scenarios/load-scenario.js';
import { FirmwareSimulator } from '../../../firmware-sim/src/simulator.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('scenario files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-scenarios-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('every shipped scenario validates against its profile', async () => {
    for (const [name, file] of await listScenarioFiles()) {
      const probe = await loadScenarioFile(file);
      const profile = await findProfile(probe.profile, [BUILT_IN_PROFILES_DIR]);
      const scenario = await loadScenarioFile(file, (id) => (id === profile.id ? profile : undefined));
      assert.equal(scenario.name, name);
    }
  });

  it('reports every problem with file:line and a fix', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(
      file,
      [
        'name: not-broken',
        'description: broken on purpose',
        'profile: gas-detector',
        'steps:',
        '  - atMs: 0',
        '    set: { lel9: 3, valve-close: 1 }',
        '  - atMs: 10',
        '    ramp: { point: fan-start, to: 1, durationMs: 100 }',
        '',
      ].join('\n'),
    );
    const gas = await findProfile('gas-detector', [BUILT_IN_PROFILES_DIR]);
    await assert.rejects(
      loadScenarioFile(file, (id: string): Profile | undefined => (id === 'gas-detector' ? gas : undefined)),
      (e: unknown) => {
        assert.ok(isConfigError(e));
        const report = e.report();
        assert.match(report, /broken\.yaml:1:\d+: name: name "not-broken" differs from the file name/);
        assert.match(report, /broken\.yaml:6:\d+: steps\[0\]\.set\.lel9: profile gas-detector has no point "lel9"/);
        assert.match(report, /broken\.yaml:6:\d+: steps\[0\]\.set\.valve-close: point "valve-close" takes true or false/);
        assert.match(
          report,
          /broken\.yaml:8:\d+: steps\[1\]\.ramp\.point: cannot ramp boolean point "fan-start"\n\s+fix: use set: instead/,
        );
        return true;
      },
    );
  });

  it('runs a scenario from another folder, started without a body', async () => {
    await writeFile(
      join(dir, 'tiny.yaml'),
      'name: tiny\ndescription: one step\nprofile: gas-detector\nsteps:\n  - { atMs: 0, set: { lel3: 7 } }\n',
    );
    const sim = new FirmwareSimulator(await loadSiteConfig(join(FIXTURES, 'gas-site.yaml')), pino({ level: 'silent' }), {
      scenarioDirs: [dir],
    });
    const { buildControlApi } = await import('../../../firmware-sim/src/control/control-api.js');
    const app = buildControlApi(sim, pino({ level: 'silent' }));
    try {
      const res = await app.inject({ method: 'POST', url: '/scenarios/tiny/start' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().state, 'completed', 'a zero-length scenario completes on its first step');
      assert.equal(sim.devices.get('gas-1')?.getValue('lel3'), 7);
    } finally {
      await app.close();
      sim.scenarios.stopAll();
    }
  });
});
