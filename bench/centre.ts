/**
 * `npm run build && npm run bench -- centre [--gateways 10000] [--rounds 2] [--instances 1,3]
 * [--consumers N]`: simulated gateways (test/support/sim-fleet.ts, the real MQTT contract) into
 * Mosquitto and 1 → 3 centre instances, each its own `lifeline-centre run` process, on one
 * PostgreSQL. Measures messages/s ingested, the CPU seconds each process spent per 1,000 of them,
 * alarm event → journal row p99 and twin patch → stored (what every instance's API serves) p99,
 * both from the row's NOTIFY, and how long after every instance restarts all twins are served
 * again. Measures only; never fails on a figure.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type GatewaySummary, PgCentreStore } from '@lifeline/twin/centre';
import pg from 'pg';
import { MosquittoBroker } from '../scripts/servers/mosquitto.js';
import { PostgresServer } from '../scripts/servers/postgres.js';
import { SimFleet } from '../test/support/sim-fleet.js';
import { CentreProcess } from './centre-process.js';
import { cpuSeconds, treeCpuSeconds } from './proc-cpu.js';
import { formatSummary, summarise } from './stats.js';

export async function run(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      gateways: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '2' },
      instances: { type: 'string', default: '1,3' },
      consumers: { type: 'string' },
    },
  });
  const gateways = Number(values.gateways);
  const rounds = Number(values.rounds);
  const db = new PostgresServer();
  await db.start();
  try {
    const args = values.consumers ? ['--consumers', values.consumers] : [];
    for (const count of values.instances.split(',').map(Number)) {
      // A broker per run: the last run's instances leave persistent sessions in it, and Mosquitto queues for offline
      // members (docs/centre.md). A birth burst of 10,000 gateways queues more than its default 1,000 per client.
      const broker = new MosquittoBroker({ listener: ['max_queued_messages 0'] });
      await broker.start();
      try {
        await once(db, broker, { gateways, rounds, instances: count, args });
      } finally {
        await broker.dispose();
      }
    }
  } finally {
    await db.dispose();
  }
}

interface Run {
  readonly gateways: number;
  readonly rounds: number;
  readonly instances: number;
  readonly args: readonly string[];
}

/** CPU seconds so far of every process in the run: the instances, PostgreSQL (all backends), Mosquitto, this process (the fleet). */
async function cpuNow(centres: readonly CentreProcess[], db: PostgresServer, broker: MosquittoBroker): Promise<number[]> {
  const instances = await Promise.all(centres.map((c) => cpuSeconds(c.pid)));
  const self = process.cpuUsage();
  return [
    instances.reduce((a, b) => a + b, 0),
    await treeCpuSeconds(db.pid as number),
    await cpuSeconds(broker.pid as number),
    (self.user + self.system) / 1e6,
  ];
}

async function once(db: PostgresServer, broker: MosquittoBroker, run: Run): Promise<void> {
  const { gateways, rounds, instances } = run;
  const url = await freshDatabase(db, `bench_${instances}_${Date.now()}`);
  const start = (i: number) =>
    CentreProcess.start({ brokerUrl: broker.url, dbUrl: url, instanceId: `bench-${instances}-${i}`, args: run.args });
  const centres: CentreProcess[] = [];
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
    const cpu0 = await cpuNow(centres, db, broker);
    const load0 = loadavg()[0] as number;
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
    const cpu = (await cpuNow(centres, db, broker)).map((c, i) => ((c - (cpu0[i] as number)) * 1000) / messages);
    const rate = Math.round(messages / seconds);
    out(`centre ×${instances}, ${gateways} gateways: births (status + twin) ${Math.round((2 * gateways) / births)} msg/s`);
    out(`  ${messages} patches and alarm events in ${seconds.toFixed(1)} s = ${rate} msg/s (${Math.round(rate / instances)} per instance)`);
    const [centreCpu, pgCpu, brokerCpu, fleetCpu] = cpu.map((c) => c.toFixed(3));
    out(
      `  CPU s per 1,000 messages: centre instances ${centreCpu}, PostgreSQL ${pgCpu}, Mosquitto ${brokerCpu}, fleet ${fleetCpu}; load ${load0.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}`,
    );
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
    centres.push(...(await Promise.all(Array.from({ length: instances }, (_, i) => start(i)))));
    // Node.js starting the processes is part of the wait, not of the centre: reported apart.
    const up = (performance.now() - t2) / 1000;
    const served = await Promise.all(
      centres.map(
        async (c) => ((await (await fetch(`${c.url}/api/twins`)).json()) as GatewaySummary[]).filter((g) => g.version >= target).length,
      ),
    );
    const total = (performance.now() - t2) / 1000;
    out(
      `  all ${instances} restarted at once → every twin served by every instance: ${total.toFixed(2)} s, of which ${up.toFixed(2)} s starting the processes (served ${served.join(', ')}; resyncs asked meanwhile ${fleet.resyncsAnswered - resyncs})`,
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
