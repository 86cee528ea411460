import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type CliRun, SIM_BIN, startCli } from '../support/cli.js';
import { FIXTURES } from '../support/fixtures.js';

describe('e2e: firmware-sim CLI', function () {
  this.timeout(30_000);
  let run: CliRun | undefined;
  afterEach(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    run = undefined;
  });

  it('runs scenarios from the command line in accelerated time, with a readable live log', async () => {
    run = startCli(
      SIM_BIN,
      [
        'run',
        '--site',
        join(FIXTURES, 'sim/all-kinds.yaml'),
        '--scenario',
        'gas-leak',
        '--scenario',
        'ebike-enters-elevator',
        '--time-scale',
        '2000',
        '--exit-after-scenarios',
      ],
      { LIFELINE_LOG_LEVEL: 'info' },
    );
    assert.equal(await run.exited, 0, run.stderr);
    assert.match(run.stdout, /scenario gas-leak completed/);
    assert.match(run.stdout, /scenario ebike-enters-elevator completed/);
    assert.match(run.stdout, /gas-1\s+modbus-tcp 127\.0\.0\.1:\d+ unit 4/);
    const log = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l).msg as string);
    assert.ok(
      log.includes('gas-1 lel1 0 → 30 %LEL (scenario gas-leak)') ||
        log.some((l) => /^gas-1 lel1 .* → 30 %LEL \(scenario gas-leak\)$/.test(l)),
      log.join('\n'),
    );
    assert.ok(
      log.some((l) => /^lift-1 door-hold false → true \(coupling: the door stays open while an e-bike is in the car\)$/.test(l)),
      log.join('\n'),
    );
  });

  it('serves the control API until stopped, and lists scenarios', async () => {
    run = startCli(SIM_BIN, ['run', '--site', join(FIXTURES, 'sim/all-kinds.yaml')]);
    await run.waitForOutput(/control API\s+http:\/\/localhost:(\d+)/);
    const port = /control API\s+http:\/\/localhost:(\d+)/.exec(run.stdout)?.[1];
    const started = await fetch(`http://127.0.0.1:${port}/scenarios/voltage-sag/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeScale: 1000 }),
    });
    assert.equal(started.status, 200);
    assert.deepEqual(((await started.json()) as { devices: string[] }).devices, ['pm-1']);
    const list = startCli(SIM_BIN, ['scenarios']);
    assert.equal(await list.exited, 0);
    assert.match(list.stdout, /water-main-burst\s+water-station/);
  });

  it('refuses a bad time scale with a clear line', async () => {
    run = startCli(SIM_BIN, ['run', '--site', join(FIXTURES, 'sim/all-kinds.yaml'), '--time-scale', 'fast']);
    assert.equal(await run.exited, 2);
    assert.match(run.stderr, /--time-scale takes a positive number, got "fast"/);
  });
});
