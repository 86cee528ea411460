import assert from 'node:assert/strict';
import { type GatewaySummary, type RunningCentre, startCentre } from '@lifeline/twin/centre';
import pg from 'pg';
import { pino } from 'pino';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { freshDatabase, type PostgresServer, startPostgres } from '../support/postgres.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { SimFleet, type SimGateway } from '../support/sim-fleet.js';
import { waitUntil } from '../support/twin-link.js';

/** The issue asks for 1,000; CI on a shared 2-core machine runs 200 to stay within a minute (docs/centre.md). */
const GATEWAYS = Number(process.env.LIFELINE_FLEET_GATEWAYS ?? 200);
const ROUNDS = 12;
const silent = pino({ level: 'silent' });

/**
 * N simulated gateways into Mosquitto and three centre instances on one
 * PostgreSQL, sharing the fleet through `$share/…`: one instance is killed
 * mid-run and started again, then all restart at once. Every twin must
 * equal its gateway's and every alarm event be journalled exactly once.
 */
describe(`integration: ${GATEWAYS} gateways into 3 centre instances on PostgreSQL`, function () {
  this.timeout(90_000);
  let broker: MosquittoBroker | undefined;
  let db: PostgresServer | undefined;
  let url = '';
  let fleet: SimFleet | undefined;
  const centres: (RunningCentre | undefined)[] = [];

  const start = (i: number) =>
    startCentre({
      brokerUrl: (broker as MosquittoBroker).url,
      dbUrl: url,
      instanceId: `centre-${i}`,
      // Batches of 4 (half the consumers, mirror-service.ts), as at scale; a pool of 4 covers two batches and the API.
      consumers: 8,
      poolSize: 4,
      httpHost: '127.0.0.1',
      httpPort: 0,
      log: silent,
      resyncRetryMs: 1000,
    });

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    db = await startPostgres(this);
    url = await freshDatabase(db);
    broker = new MosquittoBroker();
    await broker.start();
  });

  after(async () => {
    await fleet?.close();
    await Promise.all(centres.splice(0).map((c) => c?.stop()));
    await broker?.dispose();
    await db?.dispose();
  });

  let copies = new Map<string, GatewaySummary>();
  const lagging = async (via: RunningCentre) => {
    copies = new Map(((await (await fetch(`${via.url}/api/twins`)).json()) as GatewaySummary[]).map((g) => [`${g.site}/${g.gateway}`, g]));
    return (fleet as SimFleet).gateways.filter((g) => {
      const copy = copies.get(`${g.site}/${g.gateway}`);
      return copy?.bootId !== g.bootId || copy.version !== g.twin.version;
    });
  };
  /** A lagging gateway as the failure shows it: its version, and the centre's copy with its resyncs. */
  const lagLine = (g: SimGateway) => {
    const copy = copies.get(`${g.site}/${g.gateway}`);
    return `${g.gateway} at ${g.twin.version} (centre: ${copy?.version}, ${copy?.resyncs} resyncs)`;
  };

  const journal = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const r = await client.query<{ rows: number; keys: number }>(
        'SELECT count(*)::int AS rows, count(DISTINCT (site, gateway, boot_id, seq))::int AS keys FROM alarm_journal',
      );
      return r.rows[0] as { rows: number; keys: number };
    } finally {
      await client.end();
    }
  };

  const converge = async (what: string) => {
    const via = centres[0] as RunningCentre;
    let behind: SimGateway[] = [];
    await waitUntil(
      async () => {
        behind = await lagging(via);
        return behind.length === 0;
      },
      40_000,
      what,
      () =>
        `${behind.length} twins behind, e.g. ${behind.slice(0, 3).map(lagLine).join(', ')}; resyncs answered ${(fleet as SimFleet).resyncsAnswered}`,
    );
  };

  it('converges, journalling every alarm event exactly once; every instance serves the same twins', async () => {
    for (let i = 0; i < 3; i++) centres.push(await start(i));
    fleet = await SimFleet.start((broker as MosquittoBroker).url, GATEWAYS);
    for (let round = 1; round <= ROUNDS / 2; round++) {
      await fleet.round(round);
      await new Promise((r) => setTimeout(r, 50));
    }
    await converge('every twin to converge');
    const expected = fleet.eventsPublished;
    await waitUntil(async () => (await journal()).rows >= expected, 20_000, `${expected} journal rows`);
    assert.deepEqual(await journal(), { rows: expected, keys: expected });
    for (const c of centres) assert.deepEqual(await lagging(c as RunningCentre), []);
    const twin = (await (await fetch(`${centres[2]?.url}/api/twins/site-1/gw-1`)).json()) as { reported: unknown };
    assert.deepEqual(twin.reported, fleet.gateways[1]?.twin.reported);
  });

  // The killed instance returns under the same client ids: Mosquitto kept what it had in flight and what queued for it
  // meanwhile in its sessions, and hands them over right behind the CONNACK (test/integration/centre-consumer-session.test.ts).
  it('converges with an instance killed mid-run and started again; every journal row exactly once', async () => {
    const running = fleet as SimFleet;
    for (let round = ROUNDS / 2 + 1; round <= ROUNDS; round++) {
      if (round === ROUNDS / 2 + 2) await centres[1]?.kill();
      if (round === ROUNDS - 1) centres[1] = await start(1);
      await running.round(round);
      await new Promise((r) => setTimeout(r, 50));
    }
    await converge('every twin to converge after the kill');
    const expected = running.eventsPublished;
    await waitUntil(
      async () => (await journal()).rows >= expected,
      20_000,
      `${expected} journal rows`,
      () => 'some events missing',
    );
    assert.deepEqual(await journal(), { rows: expected, keys: expected }, 'none lost, none twice');
  });

  it('serves every twin again after all instances restart at once, without asking the gateways', async () => {
    const running = fleet as SimFleet;
    await Promise.all(centres.map((c) => c?.stop()));
    const resyncsBefore = running.resyncsAnswered;
    const rowsBefore = (await journal()).rows;
    for (let i = 0; i < 3; i++) centres[i] = await start(i);
    for (const c of centres) assert.deepEqual(await lagging(c as RunningCentre), []);
    await running.round(ROUNDS + 2);
    await waitUntil(async () => (await lagging(centres[2] as RunningCentre)).length === 0, 20_000, 'the next round to converge');
    assert.equal(running.resyncsAnswered, resyncsBefore, 'no resync was needed');
    const { rows, keys } = await journal();
    assert.equal(rows, keys);
    // Nothing is lost across a restart of every instance: the new round's events are all there.
    await waitUntil(async () => (await journal()).rows >= rowsBefore + GATEWAYS, 20_000, 'the new round in the journal');
    assert.equal((await journal()).rows, rowsBefore + GATEWAYS);
  });
});
