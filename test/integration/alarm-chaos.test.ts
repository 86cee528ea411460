import assert from 'node:assert/strict';
import type { AlarmEvent } from '@lifeline/twin';
import { INFLUXD, InfluxDb1Server } from '../../scripts/servers/influxdb.js';
import { type JournalRow, readJournal } from '../support/alarm-journal.js';
import { Chaos, chaosSettings } from '../support/chaos.js';
import { eventually } from '../support/durable-collector.js';
import { GasBench } from '../support/gas-bench.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';

/**
 * Chaos (issue 18, deliver 8). Alarms flip (the simulator's control API) and
 * are acked (the gateway's HTTP API) while, at seeded random moments, the
 * gateway is killed -9 (running or still starting) and restarted, the centre
 * broker (Mosquitto, persistent) is stalled (SIGSTOP … SIGCONT) or restarted,
 * and InfluxDB goes down for good. Afterwards, with every link back and every
 * alarm returned and acked, a durable centre subscriber must hold every
 * transition the gateway decided — its journal in alarms.db — exactly once
 * after de-duplication by eventId (the centre's journal does it: unique by eventId), none
 * lost, none it did not decide, every copy the same decision, each alarm's
 * events numbered without a gap, and every alarm normal at the end.
 *
 * No timing is asserted: waits for convergence are generous, so a loaded
 * machine only makes the run slower.
 *
 *   LIFELINE_CHAOS_SECONDS=300 npx mocha --no-config --node-option import=tsx \
 *     --node-option conditions=lifeline-source --exit test/integration/alarm-chaos.test.ts
 *
 * runs five minutes of chaos (default 30 s, what CI runs); LIFELINE_CHAOS_SEED
 * replays a run: the seed is printed first, and with every failure.
 */
describe('chaos: kill -9, a stalled and restarted centre broker, InfluxDB down', () => {
  let bench: GasBench | undefined;
  let influx: InfluxDb1Server | undefined;
  const settings = chaosSettings();

  before(function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    requireBinary(this, INFLUXD, 'influxdb');
  });
  after(async () => {
    await bench?.dispose();
    await influx?.dispose();
  });

  it(`every transition the gateway decided reaches the centre exactly once by eventId (seed ${settings.seed})`, async function () {
    this.timeout(settings.seconds * 1000 + 240_000);
    process.stdout.write(`      chaos: seed ${settings.seed}, ${settings.seconds} s (LIFELINE_CHAOS_SEED, LIFELINE_CHAOS_SECONDS)\n`);
    influx = new InfluxDb1Server();
    await influx.start();
    await influx.createDatabase('lifeline');
    bench = await GasBench.open(`influx: [{ url: "${influx.url}", version: 1, database: lifeline }]`);
    const chaos = new Chaos(bench, influx, settings);
    try {
      await chaos.run();
      await chaos.settle();
      await converge(bench, chaos);
    } catch (e) {
      throw new Error(`chaos seed ${settings.seed} (${chaos.summary()}): ${e instanceof Error ? e.message : String(e)}`);
    }
    await check(bench, chaos);
  });
});

/** The centre's copies as events, in arrival order. */
const received = (bench: GasBench) => bench.centre.messages.map((m) => m.payload as unknown as AlarmEvent);

/** Waits until nothing is pending in the journal and the centre holds every event id the journal has. */
async function converge(bench: GasBench, chaos: Chaos): Promise<void> {
  const missing = () => {
    const have = new Set(received(bench).map((e) => e.eventId));
    return readJournal(bench.stateDir).filter((r) => r.pending || !have.has(r.eventId));
  };
  await eventually(
    'every journalled event published and at the centre',
    () => missing().length === 0,
    120_000,
    () => `${chaos.summary()}\nmissing: ${JSON.stringify(missing().map((r) => [r.eventId, r.pending]))}`,
  );
}

async function check(bench: GasBench, chaos: Chaos): Promise<void> {
  const journal = readJournal(bench.stateDir);
  const copies = received(bench);
  const decided = new Map(journal.map((r) => [r.eventId, r]));
  assert.ok(journal.length >= 4, `the chaos made too few transitions to mean anything: ${chaos.summary()}`);
  assert.equal(decided.size, journal.length, 'the journal holds each eventId once');
  // None lost (converge), none the gateway did not decide, and every copy carries the decision as journalled.
  for (const e of copies) {
    const row = decided.get(e.eventId);
    assert.ok(row, `the centre got ${e.eventId}, which the gateway never journalled`);
    assert.deepEqual(decision(e), decision(row.record), `a copy of ${e.eventId} differs`);
  }
  // Exactly once after de-duplication: the centre's own journal store, fed every copy in arrival order.
  const passed = await bench.mirrored();
  assert.deepEqual(passed.map((e) => e.eventId).sort(), [...decided.keys()].sort());
  assert.deepEqual(numbering(journal), numbering(journal, true), "each alarm's events are numbered 1…n without a gap");
  // The final state, as the gateway keeps it and as the centre sees it: each alarm's newest event by its number.
  for (const [alarmId, last] of lastPerAlarm(journal)) assert.equal(last.state, 'normal', `${alarmId} ends normal`);
  assert.deepEqual(newestAtCentre(passed), new Map([...lastPerAlarm(journal)].map(([id, e]) => [id, e.eventId])));
  process.stdout.write(
    `      chaos: ${chaos.summary()}; ${journal.length} transitions, ${copies.length} copies at the centre, ${copies.length - passed.length} dropped as duplicates\n`,
  );
}

/** What the gateway decided, without how it was sent (bootId, seq, publishedAt, historical). */
const decision = (e: AlarmEvent) => [e.alarmId, e.event, e.state, e.value, e.detectedAt, e.user ?? null];

/** alarmId → the n of its event ids in journal order, or (`ideal`) 1…count. */
function numbering(journal: readonly JournalRow[], ideal = false): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const r of journal) {
    const list = out[r.record.alarmId] ?? [];
    out[r.record.alarmId] = list;
    list.push(ideal ? list.length + 1 : transitionOf(r.eventId));
  }
  return out;
}

function lastPerAlarm(journal: readonly JournalRow[]): Map<string, AlarmEvent> {
  return new Map(journal.map((r) => [r.record.alarmId, r.record]));
}

/** alarmId → the eventId of its highest-numbered event among `events`, whatever order they arrived in. */
function newestAtCentre(events: readonly AlarmEvent[]): Map<string, string> {
  const n = (e: AlarmEvent) => transitionOf(e.eventId);
  const newest = new Map<string, AlarmEvent>();
  for (const e of events) {
    const have = newest.get(e.alarmId);
    if (!have || n(e) > n(have)) newest.set(e.alarmId, e);
  }
  return new Map([...newest].map(([id, e]) => [id, e.eventId]));
}

/** The n of `{alarmId}#{n}@{journal}`. */
const transitionOf = (eventId: string) => Number(/#(\d+)@/.exec(eventId)?.[1]);
