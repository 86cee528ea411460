import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { type CliRun, GATEWAY_BIN, killCli, startCli } from '../support/cli.js';
import { DurableCollector, eventually } from '../support/durable-collector.js';
import { gasSite, loggedAlarms } from '../support/gas-bench.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint } from '../support/site-harness.js';

const site = gasSite;
const logged = loggedAlarms;

/** Every published alarm event as `bootId:seq`, the id the centre dedupes on. */
const raised = (run: CliRun) => logged(run).map((l) => `${l.bootId}:${l.seq}`);

/**
 * kill -9 of the gateway process during a centre outage, restart, recovery:
 * every alarm either run raised reaches the centre, exactly once by id
 * (redeliveries carry the same id and payload).
 */
describe('outbox: kill -9 of the gateway during a centre outage', () => {
  let broker: MosquittoBroker;
  let dir: string;
  let simulator: FirmwareSimulator | undefined;
  let gateway: CliRun | undefined;
  let centre: DurableCollector | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    dir = await mkdtemp(join(tmpdir(), 'lifeline-kill9-'));
    broker = new MosquittoBroker({ persistence: true });
    await broker.start();
    centre = await DurableCollector.open(broker.url, 'lifeline/v1/+/+/alarms');
    await writeFile(join(dir, 'sim.yaml'), site(0, broker.url));
    simulator = new FirmwareSimulator(await loadSiteConfig(join(dir, 'sim.yaml')), pino({ level: 'silent' }));
    const sim = await simulator.start();
    const port = sim.devices.get('gas-1')?.port as number;
    await writeFile(join(dir, 'site.yaml'), site(port, broker.url));
    this.simUrl = `http://127.0.0.1:${sim.controlPort}`;
  });

  afterEach(async () => {
    await killCli(gateway);
    gateway = undefined;
    await simulator?.stop();
    await centre?.close();
    await broker?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Raise hihi at `high`, then back to 5 until it clears. Waits for those two
   * events by kind, not by count: a restored boot may publish other events too.
   */
  const cycle = async (simUrl: string, run: CliRun, high: number) => {
    const from = logged(run).length;
    // Index of the first `event` of hihi logged after `after`, or -1.
    const indexOf = (event: string, after: number) =>
      logged(run).findIndex((l, i) => i >= after && l.alarmId === 'gas-1/lel1/hihi' && l.event === event);
    await setPoint(simUrl, 'gas-1', 'lel1', high);
    await eventually(
      `a raise at ${high}`,
      () => indexOf('raise', from) >= 0,
      10_000,
      () => run.stderr.slice(-2000),
    );
    await setPoint(simUrl, 'gas-1', 'lel1', 5);
    // The clear of this raise: a restored boot may log the clear of the alarm it inherited before it.
    const raisedAt = indexOf('raise', from);
    await eventually(
      'a clear',
      () => indexOf('clear', raisedAt + 1) >= 0,
      10_000,
      () => run.stderr.slice(-2000),
    );
  };

  it('loses no alarm and duplicates none across kill -9 and restart', async function () {
    this.timeout(45_000);
    const simUrl = this.simUrl as string;
    // The state folder the site file names must survive the restart (the harness would give each run a fresh one).
    const env = { LIFELINE_LOG_LEVEL: 'info', LIFELINE_STATE_DIR: join(dir, 'state') };
    await broker.stop();

    const first = startCli(GATEWAY_BIN, ['run', '--config', join(dir, 'site.yaml')], env);
    gateway = first;
    await first.waitForOutput('dashboard');
    await cycle(simUrl, first, 60);
    await cycle(simUrl, first, 70);
    // Raise once more and kill right away: the commit precedes the log line, so what was logged is on disk.
    const third = logged(first).length;
    await setPoint(simUrl, 'gas-1', 'lel1', 80);
    await eventually('a third raise', () =>
      logged(first)
        .slice(third)
        .some((l) => l.event === 'raise'),
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const before = raised(first);

    // Back to normal before the restart, so the new boot starts quiet.
    await setPoint(simUrl, 'gas-1', 'lel1', 5);
    const second = startCli(GATEWAY_BIN, ['run', '--config', join(dir, 'site.yaml')], env);
    gateway = second;
    await second.waitForOutput('dashboard');
    // The new boot restores the raised hihi and clears it once it reads 5; only then is a new raise a new event
    // (on a busy machine its first poll can come after the test's next change).
    await eventually(
      'the inherited alarm to clear',
      () => logged(second).some((l) => l.alarmId === 'gas-1/lel1/hihi' && l.event === 'clear'),
      10_000,
      () => second.stderr.slice(-2000),
    );
    await cycle(simUrl, second, 65);
    const expected = new Set([...before, ...raised(second)]);
    assert.ok(expected.size >= 7, `three raises and two clears, then (a restored clear,) a raise and a clear: ${[...expected]}`);

    await broker.start();
    const c = centre as DurableCollector;
    await eventually(
      `all ${expected.size} alarms at the centre`,
      () => new Set(c.messages.map((m) => `${m.payload.bootId}:${m.payload.seq}`)).size >= expected.size,
      20_000,
      () => JSON.stringify(c.messages.map((m) => `${m.payload.bootId}:${m.payload.seq}`)),
    );
    const ids = c.messages.map((m) => `${m.payload.bootId}:${m.payload.seq}`);
    assert.deepEqual(new Set(ids), expected);
    const byId = new Map<string, string>();
    for (const m of c.messages) {
      const id = `${m.payload.bootId}:${m.payload.seq}`;
      const body = JSON.stringify(m.payload);
      assert.equal(byId.get(id) ?? body, body, `a redelivery of ${id} carries the same event`);
      byId.set(id, body);
    }
    assert.ok(c.messages.filter((m) => before.includes(`${m.payload.bootId}:${m.payload.seq}`)).every((m) => m.historical));
  });
});
