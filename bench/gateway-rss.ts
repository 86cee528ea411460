/**
 * Memory and CPU of a real, built gateway process (DESIGN.md §8: ≤ 150 MB RSS
 * at 10k points): `lifeline-gateway run` polls N gas detectors (11 points
 * each) once a second from the firmware simulator over several Modbus TCP
 * links, with its embedded broker, HTTP API, alarm engine, outbox, history and
 * twin. RSS is read from /proc once a second once every device is online, CPU
 * from the process's utime + stime over the same window. Options add what the
 * soak needs: a real centre broker (Mosquitto), a dashboard WebSocket client
 * and a per-second hook that drives the simulator.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadSiteConfig, type SiteConfig } from '../core/src/index.js';
import { FirmwareSimulator } from '../firmware-sim/src/simulator.js';
import { freePort } from '../scripts/servers/free-port.js';
import { cpuSeconds } from './proc-cpu.js';

export const GATEWAY_BIN = join(import.meta.dirname, '../demo/bin/lifeline-gateway.js');
/**
 * The Node.js flags of the bin's shebang (`#!/usr/bin/env -S VAR=… node --flags`):
 * what the gateway runs with when started as `lifeline-gateway`, and what
 * systemd and the image pass; `node bin.js` ignores a shebang, so the bench
 * passes them itself unless told otherwise.
 */
export function binNodeFlags(): string[] {
  return shebangWords().filter((a) => a.startsWith('--'));
}

/** The environment the bin's shebang sets (`env -S MALLOC_ARENA_MAX=1 node …`); the bench's own environment overrides it. */
export function binEnv(): Record<string, string> {
  return Object.fromEntries(
    shebangWords()
      .filter((a) => /^\w+=/.test(a))
      .map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
}

function shebangWords(): string[] {
  return (readFileSync(GATEWAY_BIN, 'utf8').split('\n', 1)[0] ?? '').split(' ');
}

export interface GatewayRunOptions {
  readonly devices: number;
  /**
   * Instead of gas detectors, devices of a generated profile with this many
   * float32 holding registers, each with a `hi` limit: the layout EMQ Neuron
   * publishes its Modbus TCP figures for (groups of 1,000 floats, one driver
   * for 10k points, ten for 100k), read in 125-register requests.
   */
  readonly floatsPerDevice?: number;
  /** With `floatsPerDevice`: every value moves every second (noise ±1), as analog measurements do; default constant. */
  readonly changing?: boolean;
  /** Modbus TCP links (simulator servers); devices are spread round-robin, ≤ 247 per link. */
  readonly links?: number;
  readonly seconds: number;
  /**
   * Seconds to run once every device is online before sampling (default 0).
   * The dashboard's trend ring (`http.historyPerPoint` samples a point, 120)
   * is allocated at start but its pages become resident only as they are
   * first written, so RSS rises for its first 120 s at 1 s: a steady-state
   * figure needs a warm-up past that.
   */
  readonly warmupS?: number;
  /** Node.js flags for the gateway process, before the script; default those of the bin's shebang. */
  readonly nodeArgs?: readonly string[];
  /** `mqtt.centre.url` of the site. */
  readonly centreUrl?: string;
  /** Keep a dashboard WebSocket client on `/ws` for the whole run. */
  readonly dashboard?: boolean;
  /** Also sample heap, external memory and the kinds of RSS every this many seconds (`memory` of the result); default never. */
  readonly memoryEveryS?: number;
  /** Called once a second with the elapsed second, after RSS is sampled. */
  readonly everySecond?: (second: number, run: RunningGateway) => Promise<void> | void;
}

export interface RunningGateway {
  readonly simulator: FirmwareSimulator;
  readonly config: SiteConfig;
  readonly pid: number;
}

export interface GatewayRss {
  readonly points: number;
  readonly onlineAfterS: number;
  readonly samplesMb: readonly number[];
  /** utime + stime over the sampled window, in % of one core. */
  readonly cpuPercent: number;
  /**
   * The bench process's own CPU over the same window, % of one core: the
   * simulator serving every request lives there, so near 100 % it, not the
   * gateway, is what keeps polls from being on time.
   */
  readonly simulatorCpuPercent: number;
  /** Prometheus text exposition lines (series) at the end of the run. */
  readonly metricSeries: number;
  /** `nodejs_heap_size_used_bytes` / `_total_bytes` at the end, MB. */
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  /** Poll requests per second over the sampled window, by outcome (ok, timeout, error). */
  readonly requestsPerS: Readonly<Record<string, number>>;
  /** Devices online at the end. */
  readonly onlineAtEnd: number;
  /** WebSocket messages the dashboard client received (0 without `dashboard`). */
  readonly dashboardMessages: number;
  /** Times the gateway closed the dashboard client's socket (it opens again a second later). */
  readonly dashboardDrops: number;
  /** With `memoryEveryS`: one sample per period, to tell V8's heap from native growth. */
  readonly memory: readonly MemorySample[];
  /** Size of each file in the state directory at the end (outbox.db, history.db, their WAL…), MB. */
  readonly stateFilesMb: Readonly<Record<string, number>>;
}

/** Where the RSS is, MB: V8's heap in use and reserved, external (Buffers, ArrayBuffers), and /proc's split of the RSS. */
export interface MemorySample {
  readonly second: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  /** Anonymous memory (heaps, malloc), file-backed pages (code, mmapped files), shared memory (SQLite's -shm WAL index). */
  readonly rssAnon: number;
  readonly rssFile: number;
  readonly rssShmem: number;
}

async function memorySample(pid: number, httpPort: number, second: number): Promise<MemorySample> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  const m = await scrape(httpPort);
  return {
    second,
    rss: kb('VmRSS'),
    heapUsed: m.heapUsedMb,
    heapTotal: m.heapTotalMb,
    external: m.externalMb,
    rssAnon: kb('RssAnon'),
    rssFile: kb('RssFile'),
    rssShmem: kb('RssShmem'),
  };
}

async function stateFiles(dir: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of await readdir(dir).catch(() => [])) sizes[name] = (await stat(join(dir, name))).size / 1024 ** 2;
  return sizes;
}

/** The benchmarks' site: N gas detectors (or `floatsPerDevice` float devices) spread round-robin over Modbus TCP links of the simulator, as a JSON site file. */
export async function writeBenchSite(
  dir: string,
  options: Pick<GatewayRunOptions, 'devices' | 'links' | 'centreUrl' | 'floatsPerDevice' | 'changing'>,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const links = options.links ?? 10;
  const ports = await Promise.all(Array.from({ length: links }, () => freePort()));
  const floats = options.floatsPerDevice;
  if (floats !== undefined) await writeFloatProfile(join(dir, 'profiles'), floats, options.changing ?? false);
  const site = {
    site: 'bench',
    gateway: 'gw-bench',
    stateDir: 'state',
    ...(floats !== undefined ? { profilesDir: 'profiles' } : {}),
    http: { host: '127.0.0.1', port: await freePort() },
    mqtt: {
      local: { host: '127.0.0.1', port: await freePort() },
      ...(options.centreUrl ? { centre: { url: options.centreUrl } } : {}),
    },
    simulator: { http: { host: '127.0.0.1', port: 0 } },
    devices: Array.from({ length: options.devices }, (_, i) => ({
      id: floats !== undefined ? `floats-${i}` : `gas-${i}`,
      profile: floats !== undefined ? floatProfileId(floats) : 'gas-detector',
      // Polled at 1 s with a 1 s timeout: the defaults, left out so 9,100 devices fit the 1 MB limit of a site file.
      modbus: { host: '127.0.0.1', port: ports[i % links], unitId: 1 + Math.floor(i / links) },
    })),
  };
  const file = join(dir, 'site.yaml');
  // JSON is YAML too, and without YAML's indentation a 100k-point site stays under that limit.
  await writeFile(file, JSON.stringify(site));
  return file;
}

const floatProfileId = (floats: number) => `bench-floats-${floats}`;

/** A profile of `floats` float32 holding registers (two words each, from address 0), each with a hi limit above any value it takes. */
async function writeFloatProfile(dir: string, floats: number, changing: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const points = Object.fromEntries(
    Array.from({ length: floats }, (_, i) => [
      `f${i}`,
      {
        name: `Analog value ${i}`,
        unit: 'kPa',
        modbus: { table: 'holding', address: 2 * i, type: 'float32' },
        range: { min: 0, max: 1000 },
        limits: { hi: { value: 900, hysteresis: 10, priority: 3, basis: 'bench: above any value the noise reaches' } },
        simulation: { initial: 100 + (i % 400), ...(changing ? { noise: 1 } : {}) },
      },
    ]),
  );
  const profile = { id: floatProfileId(floats), kind: 'analog-block', name: `${floats} float32 values (bench)`, points };
  await writeFile(join(dir, `${floatProfileId(floats)}.yaml`), JSON.stringify(profile));
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export async function onlineCount(httpPort: number): Promise<number> {
  try {
    const health = (await (await fetch(`http://127.0.0.1:${httpPort}/api/health`)).json()) as { devices: Record<string, string> };
    return Object.values(health.devices).filter((s) => s === 'online').length;
  } catch {
    return -1;
  }
}

interface Scrape {
  readonly series: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  /** lifeline_poll_requests_total summed over devices, by outcome. */
  readonly requests: Readonly<Record<string, number>>;
}

function lastNumber(line: string | undefined): number {
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

async function scrape(httpPort: number): Promise<Scrape> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const gaugeMb = (name: string) => lastNumber(lines.find((l) => l.startsWith(`${name}{`))) / 1024 ** 2;
  const requests: Record<string, number> = {};
  for (const line of lines) {
    const outcome = line.startsWith('lifeline_poll_requests_total{') ? /outcome="(\w+)"/.exec(line)?.[1] : undefined;
    if (outcome) requests[outcome] = (requests[outcome] ?? 0) + lastNumber(line);
  }
  return {
    series: lines.length,
    heapUsedMb: gaugeMb('lifeline_nodejs_heap_size_used_bytes'),
    heapTotalMb: gaugeMb('lifeline_nodejs_heap_size_total_bytes'),
    externalMb: gaugeMb('lifeline_nodejs_external_memory_bytes'),
    requests,
  };
}

/**
 * A dashboard tab on `/ws`: like the dashboard's own client it opens again a
 * second after the gateway closes it (the live socket drops a client that
 * falls too far behind, e.g. during its 10k-point first snapshot while the
 * gateway runs behind), so it stays open for the whole run; counts messages
 * and how often it was dropped.
 */
function connectDashboard(httpPort: number): { close(): void; count(): number; drops(): number } {
  let messages = 0;
  let dropped = 0;
  let closing = false;
  let socket: WebSocket;
  const open = () => {
    socket = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`);
    socket.addEventListener('message', () => {
      messages++;
    });
    socket.addEventListener('close', () => {
      if (closing) return;
      dropped++;
      setTimeout(() => {
        if (!closing) open();
      }, 1000);
    });
  };
  open();
  return {
    close: () => {
      closing = true;
      socket.close();
    },
    count: () => messages,
    drops: () => dropped,
  };
}

export async function measureGatewayRss(dir: string, devicesOrOptions: number | GatewayRunOptions, seconds = 30): Promise<GatewayRss> {
  const options = typeof devicesOrOptions === 'number' ? { devices: devicesOrOptions, seconds } : devicesOrOptions;
  if (!existsSync(join(import.meta.dirname, '../gateway/dist/cli/main.js')))
    throw new Error('gateway-rss needs the built gateway: npm run build');
  const config = await loadSiteConfig(await writeBenchSite(dir, options));
  const simulator = new FirmwareSimulator(config, pino({ level: 'warn' }));
  await simulator.start('127.0.0.1', 0);
  let gateway: ChildProcess | undefined;
  let dashboard: ReturnType<typeof connectDashboard> | undefined;
  try {
    gateway = spawn(process.execPath, [...(options.nodeArgs ?? binNodeFlags()), GATEWAY_BIN, 'run', '--config', config.file], {
      env: { ...binEnv(), ...process.env, LIFELINE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const pid = gateway.pid as number;
    const t0 = Date.now();
    const bootS = Math.max(60, options.devices / 50);
    // A site too large for this machine never gets every device online: measure it anyway, and say so.
    let online = await onlineCount(config.http.port);
    while (online !== options.devices && Date.now() - t0 < bootS * 1000) {
      if (gateway.exitCode !== null) throw new Error(`the gateway exited with ${gateway.exitCode}`);
      await new Promise((r) => setTimeout(r, 500));
      online = await onlineCount(config.http.port);
    }
    if (online !== options.devices)
      process.stderr.write(`only ${online} of ${options.devices} devices online after ${bootS} s; measuring anyway\n`);
    const onlineAfterS = (Date.now() - t0) / 1000;
    const warmupMs = (options.warmupS ?? 0) * 1000;
    if (warmupMs > 0) await new Promise((r) => setTimeout(r, warmupMs));
    if (options.dashboard) dashboard = connectDashboard(config.http.port);
    const run: RunningGateway = { simulator, config, pid };
    const samplesMb: number[] = [];
    const memory: MemorySample[] = [];
    const before = await scrape(config.http.port);
    const cpu0 = await cpuSeconds(pid);
    const own0 = process.cpuUsage();
    const w0 = performance.now();
    for (let s = 0; s < options.seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      samplesMb.push(await rssMb(pid));
      // Not at second 0: a /metrics scrape then (19k series) stalls the gateway while it sends the dashboard its first
      // snapshot, and the live socket's backpressure drops a client that has fallen that far behind.
      if (options.memoryEveryS && (s + 1) % options.memoryEveryS === 0) memory.push(await memorySample(pid, config.http.port, s + 1));
      await options.everySecond?.(s, run);
    }
    const windowS = (performance.now() - w0) / 1000;
    const cpuPercent = (((await cpuSeconds(pid)) - cpu0) / windowS) * 100;
    const own = process.cpuUsage(own0);
    const simulatorCpuPercent = ((own.user + own.system) / 1e6 / windowS) * 100;
    const points = config.devices.reduce((n, d) => n + d.points.length, 0);
    const metrics = await scrape(config.http.port);
    return {
      points,
      onlineAfterS,
      samplesMb,
      cpuPercent,
      simulatorCpuPercent,
      metricSeries: metrics.series,
      requestsPerS: Object.fromEntries(
        Object.entries(metrics.requests).map(([outcome, n]) => [outcome, (n - (before.requests[outcome] ?? 0)) / windowS]),
      ),
      onlineAtEnd: await onlineCount(config.http.port),
      heapUsedMb: metrics.heapUsedMb,
      heapTotalMb: metrics.heapTotalMb,
      dashboardMessages: dashboard?.count() ?? 0,
      dashboardDrops: dashboard?.drops() ?? 0,
      memory,
      stateFilesMb: await stateFiles(join(dir, 'state')),
    };
  } finally {
    dashboard?.close();
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway?.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
    await simulator.stop();
  }
}

/** p50 and max of samples, and the least-squares slope in MB per hour (one sample a second). */
export function rssFigures(samplesMb: readonly number[]): { p50: number; max: number; slopePerHour: number } {
  const sorted = [...samplesMb].sort((a, b) => a - b);
  const n = samplesMb.length;
  const meanX = (n - 1) / 2;
  const meanY = samplesMb.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  samplesMb.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return {
    p50: sorted[Math.floor(n / 2)] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    slopePerHour: den === 0 ? 0 : (num / den) * 3600,
  };
}
