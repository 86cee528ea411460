import assert from 'node:assert/strict';
import type { AlarmEvent } from '@lifeline/twin';
import { readJournal } from '../support/alarm-journal.js';
import type { CliRun } from '../support/cli.js';
import { eventually } from '../support/durable-collector.js';
import { GasBench } from '../support/gas-bench.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint } from '../support/site-harness.js';

const HIHI = 'gas-1/lel1/hihi';

/** The bootId the run logged at start (stderr may come after the banner on stdout). */
async function bootOf(run: CliRun): Promise<string> {
  const logged = () =>
    run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; bootId?: string })
      .find((l) => l.msg === 'gateway started')?.bootId;
  await eventually('the "gateway started" log line', () => logged() !== undefined);
  return logged() as string;
}

/**
 * Issue 18, finding 7: a gateway killed (-9) between saving an alarm event and
 * recording it as handed to the outbox publishes it again after the restart,
 * under the same eventId, so the centre drops the copy. The test-only
 * LL_TEST_CRASH_AT (gateway/src/alarms/test-crash-point.ts) makes the
 * gateway SIGKILL itself exactly there, at the first alarm event.
 */
describe('alarm event ids: a crash between publish and save', () => {
  let bench: GasBench | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    bench = await GasBench.open();
  });
  afterEach(async () => {
    await bench?.dispose();
    bench = undefined;
  });

  /** Raises hihi on a gateway that kills itself at `point`; restarts it; returns what the centre and the journal hold. */
  async function crashAndRestart(point: 'before-outbox' | 'after-outbox') {
    const b = bench as GasBench;
    const first = await b.startGateway({ LL_TEST_CRASH_AT: point });
    await setPoint(b.simUrl, 'gas-1', 'lel1', 60);
    await first.exited;
    assert.equal(first.child.signalCode, 'SIGKILL', `killed itself at ${point}:\n${first.stderr.slice(-2000)}`);
    const [saved, ...more] = readJournal(b.stateDir);
    assert.equal(more.length, 0);
    assert.equal(saved?.pending, true, 'the raise was saved, pending, before the crash');
    assert.equal(saved?.record.alarmId, HIHI);

    const second = await b.startGateway();
    const secondBoot = await bootOf(second);
    const raises = () => b.centre.messages.map((m) => m.payload as unknown as AlarmEvent).filter((e) => e.alarmId === HIHI);
    await eventually(
      'the republished raise from the second boot at the centre',
      () => raises().some((e) => e.bootId === secondBoot),
      30_000,
      () => JSON.stringify(raises()),
    );
    await eventually('the journal to record the raise as published', () => readJournal(b.stateDir)[0]?.pending === false);
    return { saved: saved as NonNullable<typeof saved>, raises: raises(), secondBoot, firstBoot: await bootOf(first) };
  }

  it('killed after the outbox commit: both copies reach the centre with one eventId, and the mirror passes one', async function () {
    this.timeout(90_000);
    const { saved, raises, firstBoot, secondBoot } = await crashAndRestart('after-outbox');
    // The first boot's outbox copy (replayed) and the second boot's republish: one event, one id.
    assert.deepEqual(new Set(raises.map((e) => e.bootId)), new Set([firstBoot, secondBoot]));
    assert.deepEqual(new Set(raises.map((e) => e.eventId)), new Set([saved.eventId]));
    for (const e of raises)
      assert.deepEqual([e.event, e.state, e.value, e.detectedAt], ['raise', 'unacknowledged', 60, saved.record.detectedAt]);
    assert.deepEqual(
      (await (bench as GasBench).mirrored()).map((e) => e.eventId),
      [saved.eventId],
    );
  });

  it('killed before the outbox commit: the next boot publishes the saved raise under its id, and raises nothing new', async function () {
    this.timeout(90_000);
    const { saved, raises, secondBoot } = await crashAndRestart('before-outbox');
    assert.ok(raises.length >= 1);
    for (const e of raises) assert.deepEqual([e.eventId, e.bootId, e.detectedAt], [saved.eventId, secondBoot, saved.record.detectedAt]);
    assert.deepEqual(
      readJournal((bench as GasBench).stateDir).map((r) => r.eventId),
      [saved.eventId],
      'the restored active alarm did not raise again',
    );
  });
});
