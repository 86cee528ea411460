/**
 * `npm run bench -- modbus-floor [--devices 910] [--links 10] [--seconds 20]`
 *
 * The floor under the gateway benchmark's CPU figure (issue 19): a bare
 * Node.js Modbus TCP master in its own process — no library, no scheduler,
 * alarms, twin or stores — making exactly the gateway's requests (built by
 * its modbus-pdu.ts: each gas detector's holding 0+22 and coils 0+2 once a
 * second, one outstanding per link, a response timer per request, the words
 * decoded) against the same
 * simulator, over the same links. Its CPU is what the runtime and the kernel
 * cost for those round trips alone: the gateway's CPU over it is the ratio
 * the gateway adds. Prints CPU (user, system) and requests/s.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSiteConfig } from '@lifeline/core';
import { FirmwareSimulator } from '@lifeline/firmware-sim';
import { pino } from 'pino';
import { readRequest } from '../gateway/src/transports/modbus-pdu.js';
import { writeBenchSite } from './gateway-rss.js';

/** What the client process is told: per link its port and the unit ids behind it. */
interface FloorPlan {
  readonly links: readonly { readonly port: number; readonly units: readonly number[] }[];
  readonly seconds: number;
}

interface FloorResult {
  readonly cpuPercent: number;
  readonly userPercent: number;
  readonly systemPercent: number;
  readonly requestsPerS: number;
  readonly timeouts: number;
}

/** A gas detector's two requests (gas-detector.yaml): FC3 holding 0+22, FC1 coils 0+2. */
const REQUESTS = [
  { fc: 3, address: 0, quantity: 22 },
  { fc: 1, address: 0, quantity: 2 },
] as const;
const TIMEOUT_MS = 1000;

/** One link's master: its units' requests spread over each second, one outstanding at a time. */
function runLink(port: number, units: readonly number[], onAnswer: (ok: boolean) => void): () => void {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const perCycle = units.length * REQUESTS.length;
  const gapMs = 1000 / perCycle;
  let k = 0;
  let tid = 0;
  let dueAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let pacing: NodeJS.Timeout | undefined;
  let words: number[] = [];
  const send = () => {
    const unit = units[Math.floor(k / REQUESTS.length) % units.length] as number;
    const r = REQUESTS[k % REQUESTS.length] as (typeof REQUESTS)[number];
    tid = (tid + 1) & 0xffff;
    const adu = readRequest(unit, r.fc, r.address, r.quantity);
    adu.writeUInt16BE(tid, 0);
    socket.write(adu);
    timer = setTimeout(() => next(false), TIMEOUT_MS);
  };
  const next = (ok: boolean) => {
    clearTimeout(timer);
    onAnswer(ok);
    k += 1;
    dueAt += gapMs;
    const wait = dueAt - performance.now();
    if (wait > 0) pacing = setTimeout(send, wait);
    else send();
  };
  socket.on('data', (frame: Buffer) => {
    if (frame.length < 9 || frame.readUInt16BE(0) !== tid) return;
    const fc = frame[7] as number;
    const count = frame[8] as number;
    // Decode as a master must: registers to numbers, coils to bits.
    words = [];
    if (fc === 3) for (let i = 0; i < count; i += 2) words.push(frame.readUInt16BE(9 + i));
    else for (let i = 0; i < count * 8; i++) words.push(((frame[9 + (i >> 3)] as number) >> (i & 7)) & 1);
    next(words.length > 0);
  });
  socket.once('connect', () => {
    dueAt = performance.now();
    send();
  });
  return () => {
    clearTimeout(timer);
    clearTimeout(pacing);
    socket.removeAllListeners('data');
    socket.destroy();
  };
}

/** The child process: runs every link, measures its own CPU after a 3 s warm-up, prints one JSON line. */
async function client(plan: FloorPlan): Promise<void> {
  let ok = 0;
  let timeouts = 0;
  const stops = plan.links.map((l) =>
    runLink(l.port, l.units, (good) => {
      if (good) ok++;
      else timeouts++;
    }),
  );
  await new Promise((r) => setTimeout(r, 3000));
  const cpu0 = process.cpuUsage();
  const ok0 = ok;
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, plan.seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const s = (performance.now() - w0) / 1000;
  for (const stop of stops) stop();
  const result: FloorResult = {
    cpuPercent: (cpu.user + cpu.system) / 1e4 / s,
    userPercent: cpu.user / 1e4 / s,
    systemPercent: cpu.system / 1e4 / s,
    requestsPerS: (ok - ok0) / s,
    timeouts,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // A timer of a link may still be set up by an answer that came meanwhile: done is done.
  process.exit(0);
}

function spawnClient(plan: FloorPlan): Promise<FloorResult> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'client', JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as FloorResult) : reject(new Error(`the floor client exited with ${code}`)),
    ),
  );
}

export async function run(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      devices: { type: 'string', default: '910' },
      links: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '20' },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-floor-'));
  const config = await loadSiteConfig(await writeBenchSite(dir, { devices: Number(values.devices), links: Number(values.links) }));
  const simulator = new FirmwareSimulator(config, pino({ level: 'warn' }));
  await simulator.start('127.0.0.1', 0);
  try {
    const byPort = new Map<number, number[]>();
    for (const d of config.devices)
      if (d.transport === 'modbus' && d.modbus.framing === 'tcp')
        byPort.set(d.modbus.port, [...(byPort.get(d.modbus.port) ?? []), d.modbus.unitId]);
    const plan: FloorPlan = { links: [...byPort].map(([port, units]) => ({ port, units })), seconds: Number(values.seconds) };
    const r = await spawnClient(plan);
    const points = config.devices.reduce((n, d) => n + d.points.length, 0);
    process.stdout.write(
      `modbus-floor (a bare Node.js master, ${process.version}): ${points} points' requests over ${plan.links.length} links, ` +
        `${r.requestsPerS.toFixed(0)} requests/s answered, ${r.timeouts} timed out; CPU ${r.cpuPercent.toFixed(1)} % of a core ` +
        `(user ${r.userPercent.toFixed(1)}, system ${r.systemPercent.toFixed(1)})\n`,
    );
  } finally {
    await simulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'client' && process.argv[1] === fileURLToPath(import.meta.url))
  await client(JSON.parse(process.argv[3] as string) as FloorPlan);
