import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { type CliRun, killCli, startCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { freePort } from '../support/ports.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';

const CENTRE_BIN = join(REPO_ROOT, 'twin/bin/lifeline-centre.js');

describe('e2e: lifeline-centre CLI', () => {
  let broker: MosquittoBroker;
  let run: CliRun | undefined;
  let blocker: Server | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
  });

  afterEach(async () => {
    await killCli(run);
    run = undefined;
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
    blocker = undefined;
    await broker?.stop();
  });

  it('run --broker prints its URLs, serves /api/twins and stops on SIGTERM', async () => {
    const port = await freePort();
    run = startCli(CENTRE_BIN, ['run', '--broker', broker.url, '--http-port', String(port), '--http-host', '127.0.0.1']);
    await run.waitForOutput('/api/twins');
    assert.match(run.stdout, new RegExp(`http://127.0.0.1:${port}/api/twins`));
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    assert.deepEqual(await res.json(), { broker: 'connected', gateways: 0 });
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  });

  it('a taken port is one line with the code and the variable to change', async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((r) => blocker?.listen(port, '127.0.0.1', r));
    run = startCli(CENTRE_BIN, ['run', '--broker', broker.url, '--http-port', String(port), '--http-host', '127.0.0.1']);
    assert.equal(await run.exited, 2);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /LL_ERR_CENTRE_PORT_IN_USE: .*LIFELINE_CENTRE_HTTP_PORT/);
  });

  it('a missing broker URL is a usage error', async () => {
    run = startCli(CENTRE_BIN, ['run'], { LIFELINE_CENTRE_BROKER: '' });
    assert.equal(await run.exited, 2);
    assert.match(run.stderr, /--broker/);
  });
});
