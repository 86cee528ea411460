import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { type CliRun, GATEWAY_BIN, killCli, startCli } from '../support/cli.js';
import { FIXTURES, REPO_ROOT } from '../support/fixtures.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { freePort } from '../support/ports.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint } from '../support/site-harness.js';
import { tempStateDir } from '../support/state-dir.js';

describe('e2e: lifeline-gateway CLI', () => {
  let run: CliRun | undefined;
  afterEach(() => killCli(run));

  async function demoPorts() {
    return {
      LIFELINE_HTTP_PORT: String(await freePort()),
      LIFELINE_MQTT_PORT: String(await freePort()),
      LIFELINE_SIM_PORT: String(await freePort()),
    };
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`demo prints every URL on the configured ports, raises an alarm, and stops cleanly on ${signal}`, async () => {
      const env = await demoPorts();
      run = startCli(GATEWAY_BIN, ['demo'], env);
      await run.waitForOutput('Ctrl-C stops everything');
      assert.match(run.stdout, new RegExp(`dashboard\\s+http://127\\.0\\.0\\.1:${env.LIFELINE_HTTP_PORT}/`));
      assert.match(run.stdout, new RegExp(`local MQTT\\s+mqtt://127\\.0\\.0\\.1:${env.LIFELINE_MQTT_PORT}`));
      assert.match(run.stdout, new RegExp(`simulator API\\s+http://127\\.0\\.0\\.1:${env.LIFELINE_SIM_PORT}/devices`));

      const local = await MqttCollector.open(`mqtt://127.0.0.1:${env.LIFELINE_MQTT_PORT}`, 'lifeline/v1/+/+/alarms');
      try {
        await setPoint(`http://127.0.0.1:${env.LIFELINE_SIM_PORT}`, 'gas-1', 'lel1', 75);
        const raise = await local.waitFor(() => true, 5000, 'an alarm from the demo');
        assert.equal((raise.payload as { alarmId: string }).alarmId, 'gas-1/lel1/hihi');
      } finally {
        await local.close();
      }
      run.child.kill(signal);
      assert.equal(await run.exited, 0, run.stderr);
    });
  }

  const ack = (httpPort: string, token: string | undefined) =>
    fetch(`http://127.0.0.1:${httpPort}/api/alarms/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ alarmId: 'gas-1/lel1/hihi' }),
    });
  const raiseAndWait = async (env: Record<string, string>) => {
    await setPoint(`http://127.0.0.1:${env.LIFELINE_SIM_PORT}`, 'gas-1', 'lel1', 60);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const alarms = (await (await fetch(`http://127.0.0.1:${env.LIFELINE_HTTP_PORT}/api/alarms`)).json()) as { alarmId: string }[];
      if (alarms.some((a) => a.alarmId === 'gas-1/lel1/hihi')) return;
      if (Date.now() > deadline) assert.fail('no gas-1/lel1/hihi at the gateway');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('demo makes an operator token for the run, prints it with a sign-in link, and Ack works with it at once', async () => {
    const env = await demoPorts();
    run = startCli(GATEWAY_BIN, ['demo'], env);
    await run.waitForOutput('Ctrl-C stops everything');
    const link = new RegExp(`sign in\\s+http://127\\.0\\.0\\.1:${env.LIFELINE_HTTP_PORT}/#token=([A-Za-z0-9_-]{32})\n`).exec(run.stdout);
    assert.ok(link, run.stdout);
    const token = link[1] as string;
    assert.match(run.stdout, new RegExp(`operator token for this run: ${token}`));
    assert.doesNotMatch(run.stderr, new RegExp(token), 'the token is in the banner only, never in a log');
    await raiseAndWait(env);
    assert.equal((await ack(env.LIFELINE_HTTP_PORT, undefined)).status, 401, 'nothing writes without a token');
    const acked = await ack(env.LIFELINE_HTTP_PORT, token);
    assert.equal(acked.status, 200, await acked.text());
  });

  it('demo keeps a configured token instead of making one', async () => {
    const env = { ...(await demoPorts()), LIFELINE_OPERATOR_TOKEN: 'cli-operator-token-0123456789' };
    run = startCli(GATEWAY_BIN, ['demo'], env);
    await run.waitForOutput('Ctrl-C stops everything');
    assert.doesNotMatch(run.stdout, /#token=|operator token for this run/);
    assert.match(run.stdout, /sign in\s+with a token from http\.tokens or LIFELINE_OPERATOR_TOKEN/);
    await raiseAndWait(env);
    assert.equal((await ack(env.LIFELINE_HTTP_PORT, env.LIFELINE_OPERATOR_TOKEN)).status, 200);
  });

  it('demo keeps its state in a fresh temporary folder, outside the checkout, removed on a clean stop', async () => {
    // An empty LIFELINE_STATE_DIR is "not set": the demo's own default, as for a new user.
    run = startCli(GATEWAY_BIN, ['demo'], { ...(await demoPorts()), LIFELINE_STATE_DIR: '' });
    await run.waitForOutput('Ctrl-C stops everything');
    const state = /state\s+(\S+)\s+\(this run only, removed on Ctrl-C; --state-dir DIR keeps it\)/.exec(run.stdout);
    assert.ok(state, run.stdout);
    const dir = state[1] as string;
    assert.ok(dir.startsWith(tmpdir()), `${dir} is under ${tmpdir()}`);
    assert.ok(!dir.startsWith(REPO_ROOT), 'not in the checkout');
    assert.ok(existsSync(join(dir, 'alarms.db')), 'the gateway keeps its alarms there');
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.stderr);
    assert.equal(existsSync(dir), false, 'removed on a clean stop');
  });

  it('demo --state-dir keeps state where asked, and leaves it there', async () => {
    const dir = join(tempStateDir(), 'kept');
    run = startCli(GATEWAY_BIN, ['demo', '--state-dir', dir], { ...(await demoPorts()), LIFELINE_STATE_DIR: '' });
    await run.waitForOutput('Ctrl-C stops everything');
    assert.match(run.stdout, new RegExp(`state\\s+${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.stderr);
    assert.ok(existsSync(join(dir, 'alarms.db')), 'kept after the stop');
  });

  it('a taken port is a one-line error naming the variable', async () => {
    const env = await demoPorts();
    const blocker: Server = createServer();
    blocker.listen(Number(env.LIFELINE_HTTP_PORT), '0.0.0.0');
    await once(blocker, 'listening');
    try {
      run = startCli(GATEWAY_BIN, ['demo'], env);
      assert.equal(await run.exited, 1);
      const lines = run.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('{'));
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', /LL_ERR_PORT_IN_USE: HTTP dashboard port \d+ .* in use — .*set LIFELINE_HTTP_PORT to a free port/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      blocker.close();
    }
  });

  it('validate exits 0 on a good config and 2 with file:line and fix on a bad one', async () => {
    run = startCli(GATEWAY_BIN, ['validate', join(REPO_ROOT, 'examples/demo/site.yaml')]);
    assert.equal(await run.exited, 0, run.stderr);
    assert.match(run.stdout, /site\.yaml: ok \(site demo-restaurant, gateway gw-01, 1 device\(s\), 11 point\(s\)\)/);

    run = startCli(GATEWAY_BIN, ['validate', join(FIXTURES, 'broken-site.yaml')]);
    assert.equal(await run.exited, 2);
    assert.match(run.stderr, /broken-site\.yaml has 2 error\(s\)/);
    assert.match(run.stderr, /broken-site\.yaml:6:21: devices\[0\]\.pollIntervalMs: must be >= 10\n\s+fix: use a value >= 10\n/);
    assert.match(
      run.stderr,
      /broken-site\.yaml:9:43: devices\[0\]\.points\.lel1\.limits\.hihi\.priority: 7 is not one of the allowed values\n\s+fix: use one of 1, 2, 3, 4\n/,
    );
  });

  it('run refuses a bad config before touching devices', async () => {
    run = startCli(GATEWAY_BIN, ['run', '--config', join(FIXTURES, 'broken-site.yaml')]);
    assert.equal(await run.exited, 2);
    assert.match(run.stderr, /broken-site\.yaml has 2 error\(s\)/);
  });

  it('the Last Will marks the gateway offline at the centre when the process dies', async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    const broker = new MosquittoBroker();
    await broker.start();
    const centre = await MqttCollector.open(broker.url, 'lifeline/v1/+/+/status');
    try {
      run = startCli(GATEWAY_BIN, ['run', '--config', join(FIXTURES, 'gas-site.yaml'), '--centre', broker.url]);
      await centre.waitFor((m) => (m.payload as { online: boolean }).online === true, 10_000, 'online status');
      run.child.kill('SIGKILL');
      await run.exited;
      const will = await centre.waitFor((m) => (m.payload as { online: boolean }).online === false, 10_000, 'the Last Will');
      assert.equal(will.topic, 'lifeline/v1/test-site/gw-test/status');
    } finally {
      await centre.close();
      await broker.stop();
    }
  });
});
