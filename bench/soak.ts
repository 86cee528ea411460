/**
 * `npm run bench -- soak [--minutes 60] [--devices 910] [--drop-every-s 180] [--drop-s 20] [--flap-every-s 10] [--warmup-min 10] [--node-args …]`
 *
 * The built gateway at 10k points @ 1 s for a long run (issue 19: RSS growth
 * ≤ 5 % per hour after the first 10 minutes) under what a site lives with:
 * alarms flapping (every `--flap-every-s` seconds, 20 detectors' channel 1 is
 * forced over its hi/hihi limits and back through the simulator), the centre
 * link dropping (a real Mosquitto stopped for `--drop-s` seconds every
 * `--drop-every-s`, so the outbox backs up and replays) and a dashboard
 * WebSocket client connected all along. Reports RSS at start, p50, max and
 * the least-squares slope per hour, overall and after the warm-up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MosquittoBroker } from '../scripts/servers/mosquitto.js';
import { type MemorySample, measureGatewayRss, type RunningGateway, rssFigures } from './gateway-rss.js';

const FLAPPING = 20;

/** The median RSS of each 5-minute stretch (one sample a second): where a slope comes from, at a glance. */
function fiveMinuteMedians(samplesMb: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < samplesMb.length; i += 300) out.push(rssFigures(samplesMb.slice(i, i + 300)).p50.toFixed(0));
  return out;
}

/** The median of each field over the samples of one 5-minute stretch (one sample a minute): a GC cycle moves one sample by ±10 MB. */
function medianSample(ms: readonly MemorySample[]): MemorySample {
  const med = (f: (m: MemorySample) => number) => rssFigures(ms.map(f)).p50;
  return {
    second: ms[0]?.second ?? 0,
    rss: med((m) => m.rss),
    heapUsed: med((m) => m.heapUsed),
    heapTotal: med((m) => m.heapTotal),
    external: med((m) => m.external),
    rssAnon: med((m) => m.rssAnon),
    rssFile: med((m) => m.rssFile),
    rssShmem: med((m) => m.rssShmem),
  };
}

/**
 * One line per 5 minutes of where the RSS is (medians: heap in use /
 * reserved, external, the rest native: malloc, SQLite, code), and its change
 * from the first stretch after the warm-up: growth in the heap is ours to
 * find in a heap snapshot, growth outside it is native.
 */
function memoryTable(memory: readonly MemorySample[], warmS: number): string {
  const stretches = new Map<number, MemorySample[]>();
  for (const m of memory) stretches.set(Math.floor(m.second / 300), [...(stretches.get(Math.floor(m.second / 300)) ?? []), m]);
  const rows = [...stretches.values()].map(medianSample);
  const base = rows.find((m) => m.second >= warmS);
  const native = (m: MemorySample) => m.rss - m.heapTotal - m.external;
  const line = (m: MemorySample) =>
    `  ${(m.second / 60).toFixed(0).padStart(3)} min: RSS ${m.rss.toFixed(0)} (anon ${m.rssAnon.toFixed(0)}, file ${m.rssFile.toFixed(0)}, shmem ${m.rssShmem.toFixed(0)}), ` +
    `heap ${m.heapUsed.toFixed(0)} of ${m.heapTotal.toFixed(0)}, external ${m.external.toFixed(0)}, native rest ${native(m).toFixed(0)} MB` +
    (base && m.second > base.second
      ? `; since ${(base.second / 60).toFixed(0)} min: RSS ${(m.rss - base.rss).toFixed(1)}, heap used ${(m.heapUsed - base.heapUsed).toFixed(1)}, ` +
        `heap total ${(m.heapTotal - base.heapTotal).toFixed(1)}, external ${(m.external - base.external).toFixed(1)}, native rest ${(native(m) - native(base)).toFixed(1)} MB`
      : '');
  return rows.map(line).join('\n');
}

export async function run(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      minutes: { type: 'string', default: '60' },
      devices: { type: 'string', default: '910' },
      'drop-every-s': { type: 'string', default: '180' },
      'drop-s': { type: 'string', default: '20' },
      'flap-every-s': { type: 'string', default: '10' },
      'warmup-min': { type: 'string', default: '10' },
      /** Node.js flags instead of the bin's shebang flags (e.g. `--heapsnapshot-signal=SIGUSR2` added to them). */
      'node-args': { type: 'string' },
    },
  });
  const dropEvery = Number(values['drop-every-s']);
  const dropFor = Number(values['drop-s']);
  const flapEvery = Number(values['flap-every-s']);
  const centre = new MosquittoBroker();
  await centre.start();
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-soak-'));
  let drops = 0;
  let flaps = 0;
  let down: number | undefined;
  const flap = (second: number, run: RunningGateway) => {
    // Alternately over hihi (55 %LEL) and back to 0: raise, return to normal, next cycle re-raises.
    const value = (second / flapEvery) % 2 === 0 ? 55 : 0;
    for (let i = 0; i < FLAPPING; i++) {
      const device = run.simulator.devices.get(`gas-${i * 7}`);
      if (device) run.simulator.setManual(device, 'lel1', value);
    }
    flaps++;
  };
  try {
    const result = await measureGatewayRss(dir, {
      devices: Number(values.devices),
      seconds: Math.round(Number(values.minutes) * 60),
      centreUrl: centre.url,
      dashboard: true,
      memoryEveryS: 60,
      ...(values['node-args'] !== undefined ? { nodeArgs: values['node-args'].split(' ').filter((a) => a !== '') } : {}),
      everySecond: async (second, run) => {
        if (second % flapEvery === 0) flap(second, run);
        if (second > 0 && second % dropEvery === 0) {
          await centre.stop();
          down = second;
          drops++;
        } else if (down !== undefined && second - down >= dropFor) {
          await centre.start();
          down = undefined;
        }
      },
    });
    const all = rssFigures(result.samplesMb);
    const warm = Math.min(Number(values['warmup-min']) * 60, Math.floor(result.samplesMb.length / 3));
    const after = rssFigures(result.samplesMb.slice(warm));
    const start = result.samplesMb[0] ?? Number.NaN;
    process.stdout.write(
      `soak: ${result.points} points at 1 s for ${(result.samplesMb.length / 60).toFixed(1)} min, ${flaps} alarm flaps × ${FLAPPING} detectors, ` +
        `centre dropped ${drops}× for ${dropFor} s, dashboard WebSocket got ${result.dashboardMessages} messages (dropped by the gateway ${result.dashboardDrops}×, reopened); ` +
        `RSS start ${start.toFixed(0)} MB, p50 ${all.p50.toFixed(0)} MB, max ${all.max.toFixed(0)} MB, slope ${all.slopePerHour.toFixed(1)} MB/h overall; ` +
        `after ${(warm / 60).toFixed(1)} min: p50 ${after.p50.toFixed(0)} MB, slope ${after.slopePerHour.toFixed(1)} MB/h ` +
        `(${((after.slopePerHour / after.p50) * 100).toFixed(1)} %/h); CPU ${result.cpuPercent.toFixed(1)} % of a core; ` +
        `RSS median by 5 min ${fiveMinuteMedians(result.samplesMb).join(', ')} MB; ` +
        `state files ${Object.entries(result.stateFilesMb)
          .map(([f, mb]) => `${f} ${mb.toFixed(1)} MB`)
          .join(', ')}\n` +
        `where the RSS is (medians of each 5 min):\n${memoryTable(result.memory, warm)}\n`,
    );
  } finally {
    await centre.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
