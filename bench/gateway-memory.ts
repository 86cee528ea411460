/**
 * `npm run bench -- gateway [--devices 910] [--links 10] [--floats N [--changing]] [--seconds 30] [--warmup-s 130] [--node-args="--max-semi-space-size=1"|none]`
 *
 * A built gateway process polling N gas detectors (11 points each) at 1 s
 * from the simulator: RSS p50 / max, CPU, heap and Prometheus series
 * (gateway-rss.ts). 910 devices are the 10k-point case, 9100 over 40 links
 * the 100k-point case; `--floats 1000` polls devices of 1,000 float32
 * registers instead (EMQ Neuron's published layout: `--devices 10 --links 1`
 * for 10k, `--devices 100 --links 10` for 100k), `--changing` moves every
 * value every second. Also reports whether every point was read on time:
 * the poll requests the gateway made against those its schedule implies.
 * Sampling starts `--warmup-s` after every device is online (default 130:
 * past the 120 s in which the trend ring's pages become resident, see
 * gateway-rss.ts); `--warmup-s 0` measures the first seconds, as before.
 * The gateway gets the bin's shebang environment (MALLOC_ARENA_MAX) unless
 * the bench's own sets it: `MALLOC_ARENA_MAX=8 npm run bench -- gateway`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { binEnv, binNodeFlags, measureGatewayRss, rssFigures } from './gateway-rss.js';

export async function run(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      devices: { type: 'string', default: '910' },
      links: { type: 'string', default: '10' },
      /** Devices of N float32 registers instead of gas detectors (the peer's layout: `--devices 10 --links 1 --floats 1000`). */
      floats: { type: 'string' },
      /** With --floats: every value moves every second. */
      changing: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '30' },
      'warmup-s': { type: 'string', default: '130' },
      /** Node.js flags instead of the bin's shebang flags; `none` for none. */
      'node-args': { type: 'string' },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-gw-'));
  const given = values['node-args'];
  const nodeArgs = given === undefined ? binNodeFlags() : given.split(' ').filter((a) => a !== '' && a !== 'none');
  try {
    const r = await measureGatewayRss(dir, {
      devices: Number(values.devices),
      links: Number(values.links),
      ...(values.floats !== undefined ? { floatsPerDevice: Number(values.floats), changing: values.changing } : {}),
      seconds: Number(values.seconds),
      warmupS: Number(values['warmup-s']),
      nodeArgs,
    });
    const f = rssFigures(r.samplesMb);
    process.stdout.write(
      `gateway (built, ${Object.keys(binEnv())
        .map((k) => `${k}=${process.env[k] ?? binEnv()[k]} `)
        .join(
          '',
        )}node ${nodeArgs.join(' ') || '(no flags)'}): ${r.points} points at 1 s over ${values.links} links, online after ${r.onlineAfterS.toFixed(1)} s; warm-up ${values['warmup-s']} s; ` +
        `RSS over ${r.samplesMb.length} s p50 ${f.p50.toFixed(0)} MB, max ${f.max.toFixed(0)} MB; CPU ${r.cpuPercent.toFixed(1)} % of a core ` +
        `(${((r.cpuPercent * 10_000) / r.points).toFixed(1)} % per 10k points; the bench's simulator ${r.simulatorCpuPercent.toFixed(0)} %); heap used ${r.heapUsedMb.toFixed(0)} of ${r.heapTotalMb.toFixed(0)} MB; ` +
        `poll requests/s ${JSON.stringify(Object.fromEntries(Object.entries(r.requestsPerS).map(([k, v]) => [k, Math.round(v)])))}, ` +
        `${r.onlineAtEnd} of ${values.devices} devices online at the end; ${r.metricSeries} metric series; state files ${Object.entries(
          r.stateFilesMb,
        )
          .map(([f, mb]) => `${f} ${mb.toFixed(1)} MB`)
          .join(', ')}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
