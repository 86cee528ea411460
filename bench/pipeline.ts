/**
 * Pipeline throughput and memory (DESIGN.md §8): decode → rules → durable
 * outbox ≥ 100k readings/s on one core, and ≤ 150 MB RSS with 10k points.
 *
 * 910 gas detectors × 11 points (10,010 points). One "poll" is a detector's
 * register blocks as the planner reads them, given as words, then what the
 * gateway does with an answer: decode with the profile's codec, the alarm
 * engine (SQLite state store), the live state, the local trend history and
 * report-by-exception into telemetry batches appended to the SQLite outbox
 * (WAL). Every value changes on every pass (deadband 0), so every reading goes
 * all the way to the outbox. It runs flat out on the main thread, yielding to
 * timers every 100 polls: the figure is what one core sustains.
 *
 * Memory is then sampled in a steady state: every detector polled once a
 * second (10k readings/s) for `--steady-s` seconds. The bench runs under tsx,
 * whose loader is not in a built gateway, so the process's RSS before the
 * site is loaded is reported too; and, the figure to hold against the target,
 * a real built gateway process runs the same 10k points from the simulator
 * for `--rss-s` seconds (gateway-rss.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEFAULTS } from '../core/src/config/defaults.js';
import { loadSiteConfig, type ModbusDeviceConfig } from '../core/src/index.js';
import type { Reading } from '../core/src/reading.js';
import { systemClock } from '../core/src/time/clock.js';
import { decodePoint } from '../gateway/src/acquisition/modbus/modbus-io.js';
import { type PollGroup, planPollGroups } from '../gateway/src/acquisition/modbus/poll-groups.js';
import { AlarmEngine } from '../gateway/src/alarms/alarm-engine.js';
import { SqliteAlarmStateStore } from '../gateway/src/alarms/sqlite-alarm-state-store.js';
import { LiveState } from '../gateway/src/events/live-state.js';
import { LocalHistory } from '../gateway/src/store/local-history.js';
import { Outbox } from '../gateway/src/store/outbox.js';
import { SqliteHistoryStore } from '../gateway/src/store/sqlite-history-store.js';
import { SqliteOutboxStore } from '../gateway/src/store/sqlite-outbox-store.js';
import { TelemetryReporter } from '../gateway/src/telemetry/telemetry-reporter.js';
import { measureGatewayRss } from './gateway-rss.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    devices: { type: 'string', default: '910' },
    seconds: { type: 'string', default: '10' },
    'steady-s': { type: 'string', default: '20' },
    'rss-s': { type: 'string', default: '30' },
  },
});
const DEVICES = Number(values.devices);
const SECONDS = Number(values.seconds);
const STEADY_S = Number(values['steady-s']);
const MB = 1024 ** 2;

function siteYaml(): string {
  const lines = ['site: bench', 'gateway: gw-bench', 'devices:'];
  for (let i = 0; i < DEVICES; i++) {
    lines.push(`  - id: d${i}`, '    profile: gas-detector', `    modbus: { host: 10.0.${i >> 8}.${i & 255}, port: 502 }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Register words of a block on pass `pass`: gas channels 0.0–19.9 %LEL (below every limit), bits alternating. */
function wordsOf(group: PollGroup, blockIndex: number, pass: number, device: number): number[] {
  const block = group.blocks[blockIndex] as PollGroup['blocks'][number];
  const bits = block.table === 'coil' || block.table === 'discrete';
  return Array.from({ length: block.length }, (_, i) => (bits ? (pass + i) & 1 : (pass + device + i) % 200));
}

export async function run(): Promise<void> {
  const baselineRss = process.memoryUsage().rss;
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-pipeline-'));
  const log = pino({ level: 'silent' });
  try {
    await writeFile(join(dir, 'site.yaml'), siteYaml());
    const site = await loadSiteConfig(join(dir, 'site.yaml'));
    const devices = site.devices.filter((d): d is ModbusDeviceConfig => d.transport === 'modbus');
    const plans = devices.map((d) => ({ id: d.id, groups: planPollGroups(d) }));
    const points = devices.reduce((n, d) => n + d.points.length, 0);

    const alarmStore = new SqliteAlarmStateStore(join(dir, 'alarms.db'));
    const engine = new AlarmEngine(site.devices, systemClock, { store: alarmStore, log });
    const live = new LiveState();
    const history = new LocalHistory(new SqliteHistoryStore(join(dir, 'history.db')), systemClock);
    const outboxStore = new SqliteOutboxStore(join(dir, 'outbox.db'), {
      sinks: { centre: ['alarm', 'twin', 'telemetry'] },
      budgetBytes: 4 * 1024 ** 3,
      telemetryRetentionMs: 0,
    });
    const outbox = new Outbox(outboxStore, systemClock, log, {
      batch: { alarm: 100, twin: 50, telemetry: 50 },
      replayRatePerS: DEFAULTS.replayRatePerS,
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    const reporter = new TelemetryReporter(
      {
        bootId: 'bench',
        deadband: 0,
        maxSilenceMs: 60_000,
        batchIntervalMs: DEFAULTS.telemetryBatchIntervalMs,
        batchMaxReadings: DEFAULTS.telemetryBatchMaxReadings,
        unitOf: () => '%LEL',
      },
      systemClock,
      (batch) => outbox.enqueue({ lane: 'telemetry', topic: 'lifeline/v1/bench/gw-bench/telemetry', payload: JSON.stringify(batch) }),
    );
    engine.start();
    history.start();

    /** One poll's answer through the gateway's pipeline (runtime/gateway.ts #wirePipeline, Delivery.offer). */
    const poll = (index: number, pass: number) => {
      const plan = plans[index] as (typeof plans)[number];
      const now = Date.now();
      for (const group of plan.groups) {
        const readings: Reading[] = [];
        for (const [b, block] of group.blocks.entries()) {
          const words = wordsOf(group, b, pass, index);
          for (const point of block.points) {
            readings.push({
              device: plan.id,
              point: point.id,
              value: decodePoint(block, words, point),
              quality: 'good',
              sourceTs: now,
              rxTs: now,
            });
          }
        }
        for (const r of readings) engine.evaluate(r);
        live.updateReadings(readings);
        reporter.offer(readings);
        history.record(readings);
      }
      return pointsPolled(plan.groups);
    };

    let readings = 0;
    let rssMax = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let n = 0; performance.now() - t0 < SECONDS * 1000; n += 1) {
      readings += poll(n % plans.length, Math.floor(n / plans.length));
      if (n % 100 === 99) {
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
        await new Promise((r) => setImmediate(r));
      }
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stats = outboxStore.stats();
    process.stdout.write(
      `pipeline: ${points} points (${DEVICES} gas detectors); ${readings} readings in ${elapsed.toFixed(1)} s = ` +
        `${Math.round(readings / elapsed)} readings/s decoded → engine → live → history → outbox ` +
        `(${stats.lanes.telemetry.depth} telemetry batches, ${(stats.bytes / 1024 ** 2).toFixed(0)} MiB); ` +
        `CPU ${(((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100).toFixed(0)} % of one core; ` +
        `RSS max ${(rssMax / MB).toFixed(0)} MB flat out\n`,
    );

    // Steady state: each detector once a second, spread evenly over the second.
    const rss: number[] = [];
    const spacingMs = 1000 / plans.length;
    const s0 = performance.now();
    let next = 0;
    let sampledAt = s0;
    while (performance.now() - s0 < STEADY_S * 1000) {
      const due = s0 + next * spacingMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      poll(next % plans.length, 1_000_000 + Math.floor(next / plans.length));
      next += 1;
      if (performance.now() - sampledAt >= 1000) {
        sampledAt = performance.now();
        rss.push(process.memoryUsage().rss);
      }
    }
    const steady = [...rss].sort((a, b) => a - b);
    const mb = (x: number | undefined) => `${((x ?? Number.NaN) / MB).toFixed(0)} MB`;
    if (STEADY_S > 0)
      process.stdout.write(
        `pipeline steady state: ${points} points at ${Math.round((next * pointsPolled(plans[0]?.groups ?? [])) / STEADY_S)} readings/s for ${STEADY_S} s; ` +
          `RSS p50 ${mb(steady[Math.floor(steady.length / 2)])}, max ${mb(steady.at(-1))} ` +
          `(the process before loading the site, node + tsx: ${mb(baselineRss)})\n`,
      );
    reporter.stop();
    engine.stop();
    history.stop();
    alarmStore.close();
    outbox.close();

    if (Number(values['rss-s']) > 0) await reportGatewayRss(join(dir, 'process'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pointsPolled(groups: readonly PollGroup[]): number {
  return groups.reduce((n, g) => n + g.points.length, 0);
}

async function reportGatewayRss(dir: string): Promise<void> {
  const real = await measureGatewayRss(dir, DEVICES, Number(values['rss-s']));
  const sorted = [...real.samplesMb].sort((a, b) => a - b);
  process.stdout.write(
    `gateway process (built, lifeline-gateway run): ${real.points} points polled at 1 s from the simulator over 10 links, ` +
      `all online after ${real.onlineAfterS.toFixed(1)} s; RSS over ${sorted.length} s p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} MB, ` +
      `max ${sorted.at(-1)?.toFixed(0)} MB\n`,
  );
}
