/**
 * `npm run bench -- centre [--gateways 10000] [--rounds 2] [--instances 1,3]`: simulated gateways
 * (test/support/sim-fleet.ts, the real MQTT contract) into Mosquitto and 1 → 3 centre instances on
 * one PostgreSQL. Measures messages/s ingested, alarm event → journal row p99 and twin patch →
 * stored (what every instance's API serves) p99, both from the row's NOTIFY, and how long after
 * every instance restarts all twins are served again. Measures only; never fails on a figure.
 */
import { parseArgs } from 'node:util';
import { type GatewaySummary, PgCentreStore, type RunningCentre, startCentre } from '@lifeline/twin/centre';
import pg from 'pg';
import { pino } from 'pino';
import { MosquittoBroker } from '../scripts/servers/mosquitto.js';
import { PostgresServer } from '../scripts/servers/postgres.js';
import { SimFleet } from '../test/support/sim-fleet.js';
import { formatSummary, summarise } from './stats.js';

const silent = pino({ level: 'silent' });

export async function run(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      gateways: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '2' },
      instances: { type: 'string', default: '1,3' },
    },
  });
  const gateways = Number(values.gateways);
  const rounds = Number(values.rounds);
  const db = new PostgresServer();
  // A birth burst of 10,000 gateways queues more than Mosquitto's default 1,000 messages per client (docs/centre.md).
  const broker = new MosquittoBroker({ listener: ['max_queued_messages 0'] });
  await db.start();
  await broker.start();
  try {
    for (const count of values.instances.split(',').map(Number)) await once(db, broker, gateways, rounds, count);
  } finally {
    await broker.dispose();
    await db.dispose();
  }
}

async function once(db: PostgresServer, broker: MosquittoBroker, gateways: number, rounds: number, instances: number): Promise<void> {
  const url = await freshDatabase(db, `bench_${instances}_${Date.now()}`);
  const start = (i: number) =>
    startCentre({
      brokerUrl: broker.url,
      dbUrl: url,
      instanceId: `bench-${instances}-${i}`,
      httpHost: '127.0.0.1',
      httpPort: 0,
      log: silent,
    });
  const centres: RunningCentre[] = [];
  for (let i = 0; i < instances; i++) centres.push(await start(i));
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  const count = async (q: string) => Number((await sql.query<{ n: string }>(q)).rows[0]?.n);
  const watcher = await PgCentreStore.open({ url, poolSize: 1 });
  const sent = new Map<string, number>();
  const alarmMs: number[] = [];
  const twinMs: number[] = [];
  watcher.watch((c) => {
    const now = Date.now();
    if (c.type === 'alarm') alarmMs.push(now - Date.parse(c.event.publishedAt));
    if (c.type === 'twin') {
      const at = sent.get(`${c.site}/${c.gateway}/${c.version}`);
      if (at !== undefined) twinMs.push(now - at);
    }
  });
  let fleet: SimFleet | undefined;
  try {
    const t0 = performance.now();
    fleet = await SimFleet.start(broker.url, gateways, 250);
    await until(async () => (await count('SELECT count(*) AS n FROM twins')) >= gateways, 'every first twin');
    const births = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    let messages = 0;
    for (let round = 1; round <= rounds; round++) {
      await Promise.all(
        fleet.gateways.map(async (g) => {
          sent.set(`${g.site}/${g.gateway}/${g.twin.version + 1}`, Date.now());
          await g.change(round);
          await g.alarm(round);
        }),
      );
      messages += 2 * gateways;
    }
    const target = fleet.gateways[0]?.twin.version ?? 0;
    await until(
      async () =>
        (await count(`SELECT count(*) AS n FROM twins WHERE version >= ${target}`)) >= gateways &&
        (await count('SELECT count(*) AS n FROM alarm_journal')) >= rounds * gateways,
      'every patch and event stored',
    );
    const seconds = (performance.now() - t1) / 1000;
    const rate = Math.round(messages / seconds);
    out(`centre ×${instances}, ${gateways} gateways: births (status + twin) ${Math.round((2 * gateways) / births)} msg/s`);
    out(`  ${messages} patches and alarm events in ${seconds.toFixed(1)} s = ${rate} msg/s (${Math.round(rate / instances)} per instance)`);
    out(
      `  under that burst: ${formatSummary('alarm → journal', summarise(alarmMs))}; ${formatSummary('patch → stored', summarise(twinMs))}`,
    );
    // Latency with the fleet live but not saturated: 100 gateways' change + alarm per second, for 3 s.
    alarmMs.length = 0;
    twinMs.length = 0;
    for (let i = 0; i < 300; i++) {
      const g = fleet.gateways[(i * 37) % gateways];
      if (!g) continue;
      sent.set(`${g.site}/${g.gateway}/${g.twin.version + 1}`, Date.now());
      await g.change(rounds + 1 + i);
      await g.alarm(i);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 1000));
    out(`  ${formatSummary('paced: alarm event published → journal row', summarise(alarmMs))}`);
    out(`  ${formatSummary('paced: twin patch published → stored, served by every API', summarise(twinMs))}`);
    const resyncs = fleet.resyncsAnswered;
    await Promise.all(centres.splice(0).map((c) => c.stop()));
    const t2 = performance.now();
    for (let i = 0; i < instances; i++) centres.push(await start(i));
    const served = await Promise.all(
      centres.map(
        async (c) => ((await (await fetch(`${c.url}/api/twins`)).json()) as GatewaySummary[]).filter((g) => g.version >= target).length,
      ),
    );
    out(
      `  all ${instances} restarted at once → every twin served by every instance: ${((performance.now() - t2) / 1000).toFixed(2)} s (served ${served.join(', ')}; resyncs asked meanwhile ${fleet.resyncsAnswered - resyncs})`,
    );
  } finally {
    await fleet?.close();
    await watcher.close();
    await sql.end();
    await Promise.all(centres.map((c) => c.stop()));
  }
}

async function freshDatabase(db: PostgresServer, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return db.url.replace(/\/postgres$/, `/${name}`);
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: no ${what} within 300 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);
