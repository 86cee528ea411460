import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from '../../support/fixtures.js';

/** Every CLI that runs until a signal (gateway, demo, simulator) stops within its deadline (issue 18, docs/operations.md#shutdown). */
describe('stopOnSignals', () => {
  it('exits 1 with a clear line when the stop does not finish within the deadline', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'lifeline-source', join(FIXTURES, 'cli/hung-stop.ts'), '300'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /SIGTERM: stopping…/);
    assert.match(stderr, /stop did not finish within 300 ms: exiting \(undelivered messages stay in the outbox\)/);
  });
});
