import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AlarmEngine } from '../gateway/src/alarms/alarm-engine.js';
import { AlarmPublisher } from '../gateway/src/alarms/alarm-publisher.js';
import { MemoryAlarmStateStore } from '../gateway/src/alarms/alarm-state-store.js';
import { SqliteAlarmStateStore } from '../gateway/src/alarms/sqlite-alarm-state-store.js';
import { loadSiteConfig } from '../gateway/src/config/index.js';
import { systemClock } from '../gateway/src/runtime/clock.js';
import { formatSummary, summarise } from './stats.js';

/**
 * Sample received → alarm event published, on the gateway alone (DESIGN.md §8:
 * p99 ≤ 10 ms at 20k readings/s). Readings for 1000 points (250 four-channel
 * gas detectors, every limit kind of the profile) arrive on a paced schedule;
 * every 200th point crosses hihi and back on alternate passes. Latency runs from a
 * reading's scheduled arrival (so falling behind the load counts) to the
 * publisher handing the event to its sink, through the real engine, the
 * SQLite state store (WAL) and the publisher.
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
  let started = 0;
  const latencies: number[] = [];
  const decisions: number[] = [];
  // The outbox as a sink that stamps the moment the event is handed over (durability is bench/outbox's subject).
  const outbox = {
    enqueue: () => {
      const now = performance.now();
      latencies.push(now - received);
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

  const points = site.devices.flatMap((d) => d.points.filter((p) => p.limits.length > 0).map((p) => [d.id, p.id] as const));
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    while (performance.now() < due) {
      if (due - performance.now() > 2) await new Promise((r) => setImmediate(r));
    }
    const k = i % points.length;
    const [device, point] = points[k] as readonly [string, string];
    // Every 200th point alternates between above hihi and normal on each pass: one raise or clear per pass.
    const crossing = k % 200 === 0 && Math.floor(i / points.length) % 2 === 0;
    const value = crossing ? 70 : 10 + (i % 7);
    received = due;
    started = performance.now();
    engine.evaluate({ device, point, value, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() });
  }
  const elapsed = (performance.now() - t0) / 1000;
  engine.stop();
  store.close();
  await rm(dir, { recursive: true, force: true });
  process.stdout.write(
    `alarm-decision: ${total} readings in ${elapsed.toFixed(2)} s (${Math.round(total / elapsed)}/s offered ${rate}/s), ${points.length} points\n`,
  );
  process.stdout.write(`${formatSummary(`received → published (${values.store})`, summarise(latencies))}\n`);
  process.stdout.write(`${formatSummary('  of which deciding', summarise(decisions))}\n`);
}
