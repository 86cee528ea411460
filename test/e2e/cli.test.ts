import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { type CliRun, GATEWAY_BIN, killCli, startCli } from '../support/cli.js';
import { FIXTURES, REPO_ROOT } from '../support/fixtures.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { freePort } from '../support/ports.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint } from '../support/site-harness.js';

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
      assert.match(run.stdout, new RegExp(`dashboard\\s+http://localhost:${env.LIFELINE_HTTP_PORT}/`));
      assert.match(run.stdout, new RegExp(`local MQTT\\s+mqtt://localhost:${env.LIFELINE_MQTT_PORT}`));
      assert.match(run.stdout, new RegExp(`simulator API\\s+http://localhost:${env.LIFELINE_SIM_PORT}/devices`));

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
