import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSiteConfig } from '../core/src/index.js';
import { systemClock } from '../core/src/time/clock.js';
import { AlarmEngine } from '../gateway/src/alarms/alarm-engine.js';
import { AlarmPublisher } from '../gateway/src/alarms/alarm-publisher.js';
import { MemoryAlarmStateStore } from '../gateway/src/alarms/alarm-state-store.js';
import { SqliteAlarmStateStore } from '../gateway/src/alarms/sqlite-alarm-state-store.js';
import { CpuQueueClock, CpuQueueTrace } from './cpu-queue.js';
import { formatSummary, summarise } from './stats.js';

/**
 * Sample received → alarm event published, on the gateway alone (DESIGN.md §8:
 * p99 ≤ 10 ms at 20k readings/s). Readings for 1000 points (250 four-channel
 * gas detectors, every limit kind of the profile) arrive as the acquisition
 * hands them over: one detector's four channels at a time, on a paced
 * schedule; every 200th point crosses hihi and back on alternate passes.
 * Latency runs from a batch's scheduled arrival (so falling behind the load
 * counts) to the publisher handing the event to its sink, through the real
 * engine, the SQLite state store (WAL) and the publisher.
 *
 * Between arrivals the process sleeps on a timer, as a gateway waits on its
 * sockets, and the engine's own timers run. (It used to busy-wait between
 * readings, a core at 100 % with no timer ever firing: not how a gateway
 * spends its time, nor how the kernel schedules it.) The timer's
 * granularity, about a millisecond, is counted against the gateway: a batch
 * due just after a wake-up waits for the next one.
 *
 * On a shared machine the process also waits, runnable, for a CPU that other
 * processes hold. Linux counts that wait per thread (schedstat run_delay); a
 * second figure subtracts the wait between a batch's scheduled arrival and
 * its alarm, so the gateway's own latency can be told from the machine's
 * queue. Garbage collection, SQLite and every other cost of the process stay
 * counted.
 */
const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    rate: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '5' },
    store: { type: 'string', default: 'sqlite', description: 'sqlite or memory' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const DEVICES = 250;

function siteYaml(): string {
  const lines = ['site: bench', 'gateway: gw-bench', 'devices:'];
  for (let i = 0; i < DEVICES; i++) {
    lines.push(`  - id: d${i}`, '    profile: gas-detector', `    modbus: { host: 127.0.0.1, port: ${1024 + i} }`);
    lines.push('    points: { lel1: { limits: { hihi: { offDelayMs: 0 } } } }');
  }
  return `${lines.join('\n')}\n`;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-'));
  const file = join(dir, 'site.yaml');
  await writeFile(file, siteYaml());
  const site = await loadSiteConfig(file);
  const store = values.store === 'memory' ? new MemoryAlarmStateStore() : new SqliteAlarmStateStore(join(dir, 'alarms.db'));
  const engine = new AlarmEngine(site.devices, systemClock, { store });
  let received = 0;
  const cpuQueue = CpuQueueClock.open();
  const trace = cpuQueue && new CpuQueueTrace(cpuQueue);
  const queued: number[] = [];
  let started = 0;
  const latencies: number[] = [];
  const decisions: number[] = [];
  // The outbox as a sink that stamps the moment the event is handed over (durability is bench/outbox's subject).
  let delivering = false;
  let outsideDelivery = 0;
  const outbox = {
    enqueue: () => {
      const now = performance.now();
      // A transition fired by a timer (a delay, a stale check) has no reading to time it from.
      if (!delivering) {
        outsideDelivery += 1;
        return;
      }
      latencies.push(now - received);
      if (trace) queued.push(trace.waitedSince(received));
      decisions.push(now - started);
    },
  };
  const publisher = new AlarmPublisher(
    { site: 'bench', gateway: 'gw-bench', bootId: 'bench' },
    'lifeline/v1/bench/gw-bench/alarms',
    outbox,
  );
  engine.on('transition', (t) => publisher.publish(t));
  engine.start();

  const devices = site.devices.map((d) => ({ id: d.id, points: d.points.filter((p) => p.limits.length > 0).map((p) => p.id) }));
  const pointCount = devices.reduce((n, d) => n + d.points.length, 0);
  const perBatch = pointCount / DEVICES;
  const batches = Math.round((rate * seconds) / perBatch);
  const spacingMs = (perBatch * 1000) / rate;
  /** One poll's readings handed over at once, as AcquisitionManager emits them. */
  const deliver = (b: number, due: number) => {
    const device = devices[b % DEVICES] as (typeof devices)[number];
    const pass = Math.floor(b / DEVICES);
    received = due;
    trace?.sample();
    delivering = true;
    for (const [ch, point] of device.points.entries()) {
      const k = (b % DEVICES) * perBatch + ch;
      // Every 200th point alternates between above hihi and normal on each pass: one raise or clear per pass.
      const crossing = k % 200 === 0 && pass % 2 === 0;
      const value = crossing ? 70 : 10 + ((b + ch) % 7);
      started = performance.now();
      engine.evaluate({ device: device.id, point, value, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() });
    }
    delivering = false;
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  while (next < batches) {
    const now = performance.now();
    const wait = t0 + next * spacingMs - now;
    if (wait > 0) {
      trace?.sample();
      await new Promise((r) => setTimeout(r, wait));
      continue;
    }
    // Every batch due by now, in order: after a late wake-up the backlog is handed over at once, as a socket buffer would be.
    while (next < batches && t0 + next * spacingMs <= performance.now()) {
      deliver(next, t0 + next * spacingMs);
      next += 1;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const total = batches * perBatch;
  const elapsed = (performance.now() - t0) / 1000;
  engine.stop();
  store.close();
  cpuQueue?.close();
  await rm(dir, { recursive: true, force: true });
  process.stdout.write(
    `alarm-decision: ${total} readings in ${elapsed.toFixed(2)} s (${Math.round(total / elapsed)}/s offered ${rate}/s), ${pointCount} points, ` +
      `${perBatch} per arrival; CPU ${(((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100).toFixed(0)} % of one core` +
      `${outsideDelivery > 0 ? `; ${outsideDelivery} timer-fired transitions not timed` : ''}\n`,
  );
  process.stdout.write(`${formatSummary(`received → published (${values.store})`, summarise(latencies))}\n`);
  if (trace) {
    const own = latencies.map((l, i) => l - (queued[i] as number));
    process.stdout.write(`${formatSummary('  less waits for a CPU', summarise(own))}\n`);
  }
  process.stdout.write(`${formatSummary('  of which deciding', summarise(decisions))}\n`);
  if (trace) process.stdout.write(`${formatSummary('  waits for a CPU (machine)', summarise(queued))}\n`);
}
