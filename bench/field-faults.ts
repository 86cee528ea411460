/**
 * Field faults (issue 16, docs/BENCHMARKS.md): change of a gas detector's
 * register → alarm raise/clear at a centre subscriber on a real Mosquitto, the
 * detector on one Modbus TCP connection shared with the cases' other units:
 *   (a) the detector alone;
 *   (b) + 20 units × 100 registers polled at the same interval;
 *   (c) (b) + one unit that never answers;
 *   (cp) (c) pipelined: the link's maxInFlight 4 (issue 16), so the dead
 *       unit's outstanding request holds one slot, not the link;
 *   (d) a serial RTU line on a socat pty with 10 detectors polled every 2 s,
 *       and (dx) the same plus a dead unit: the simulator takes the wire time
 *       of 9,600 baud; pymodbus (its serial server on the pty, the change
 *       written through its TCP server on the same registers) answers at pty
 *       speed, so there the line is only as slow as the gateway's floors;
 *   (e) the simulator's heat station over OPC UA, subscribed at 10 ms sampling
 *       (simulator only; its supply-pressure hi limit with no delays).
 * Against an independent server (Debian's pymodbus via /usr/bin/python3, the
 * change written by a second Modbus client; the dead unit is an unserved unit
 * id) and against the firmware simulator (`firmware-sim run` in its own
 * process, as a field device is its own hardware; the change by its control
 * API; the dead unit by a no-response fault). The gateway runs as deployed:
 * the built `lifeline-gateway run` in its own process with its bin's V8
 * flags (`npm run build` first); the centre subscriber in the bench process. Prints n, p50/p95/p99/max and missed
 * (no alarm within 5 s) per case.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSiteConfig } from '@lifeline/core';
import { connectAsync } from 'mqtt';
import { stringify } from 'yaml';
import { createModbusClient } from '../gateway/src/transports/modbus-serial.js';
import { freePort } from '../scripts/servers/free-port.js';
import { MosquittoBroker } from '../scripts/servers/mosquitto.js';
import { binNodeFlags, GATEWAY_BIN, onlineCount } from './gateway-rss.js';
import { formatSummary, summarise } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    changes: { type: 'string', default: '100' },
    'poll-ms': { type: 'string', default: '100' },
    server: { type: 'string', default: 'both' },
    cases: { type: 'string', default: 'a,b,c,cp,d,dx,e' },
  },
});
const changes = Number(values.changes);
const pollMs = Number(values['poll-ms']);
const BULK = 20;
const SIM_MAIN = fileURLToPath(new URL('../firmware-sim/src/cli/main.ts', import.meta.url));
const DEAD_UNIT = 99;
const PYMODBUS_SCRIPT = new URL('../test/support/modbus-pymodbus-server.py', import.meta.url).pathname;

type Case = 'a' | 'b' | 'c' | 'cp' | 'd' | 'dx' | 'e';
/** The pipelining depth of case (cp). */
const PIPELINED = 4;
const withDead = (c: Case) => c === 'c' || c === 'cp' || c === 'dx';
const SERIAL_POLL_MS = 2000;
const simOnly = (c: Case) => c === 'e';
const serial = (c: Case) => c === 'd' || c === 'dx';
const pollOf = (c: Case) => (c === 'd' || c === 'dx' ? SERIAL_POLL_MS : pollMs);
type Server = 'pymodbus' | 'sim';

/** What is changed, to which values, and which alarm answers. */
const PROBES = {
  modbus: { device: 'probe', point: 'lel1', alarmId: 'probe/lel1/hihi', raise: 60, clear: 0 },
  opcua: { device: 'hx', point: 'supply-pressure', alarmId: 'hx/supply-pressure/hi', raise: 2, clear: 0.85 },
} as const;
const probeOf = (c: Case) => (c === 'e' ? PROBES.opcua : PROBES.modbus);

interface Running {
  /** Sets the probe point to `value` (%LEL, or MPa for OPC UA). */
  set(value: number): Promise<void>;
  stop(): Promise<void>;
}

async function siteFile(dir: string, c: Case, port: number, centreUrl: string): Promise<string> {
  const registers = Object.fromEntries(
    Array.from({ length: 100 }, (_, i) => [`r${i}`, { name: `Register ${i}`, modbus: { table: 'holding', address: i, type: 'uint16' } }]),
  );
  await writeFile(join(dir, 'bulk-meter.yaml'), stringify({ id: 'bulk-meter', kind: 'bench', name: 'Bulk meter', points: registers }));
  const modbus = (unitId: number) => ({
    host: '127.0.0.1',
    port,
    unitId,
    timeoutMs: 1000,
    ...(c === 'cp' ? { maxInFlight: PIPELINED } : {}),
  });
  if (c === 'e') return writeSite(dir, [heatStation(port)], centreUrl);
  if (c === 'd' || c === 'dx') return writeSite(dir, serialLine(dir, c === 'dx'), centreUrl);
  const devices: unknown[] = [
    {
      id: 'probe',
      profile: 'gas-detector',
      modbus: modbus(1),
      pollIntervalMs: pollMs,
      points: { lel1: { limits: { hi: { enabled: false }, hihi: { value: 50, hysteresis: 2, onDelayMs: 0, offDelayMs: 0 } } } },
    },
  ];
  if (c !== 'a')
    for (let i = 0; i < BULK; i++) devices.push({ id: `bulk-${i}`, profile: 'bulk-meter', modbus: modbus(2 + i), pollIntervalMs: pollMs });
  if (withDead(c)) devices.push({ id: 'dead', profile: 'bulk-meter', modbus: modbus(DEAD_UNIT), pollIntervalMs: pollMs });
  return writeSite(dir, devices, centreUrl);
}

/** 10 detectors on one 9,600-baud line, the first the probe; (dx) an 11th that never answers. */
function serialLine(dir: string, dead: boolean): unknown[] {
  const modbus = (unitId: number) => ({ serialPort: join(dir, 'rs485'), baudRate: 9600, unitId, timeoutMs: 1000 });
  const limits = { lel1: { limits: { hi: { enabled: false }, hihi: { value: 50, hysteresis: 2, onDelayMs: 0, offDelayMs: 0 } } } };
  const devices: unknown[] = Array.from({ length: 10 }, (_, i) => ({
    id: i === 0 ? 'probe' : `det-${i}`,
    profile: 'gas-detector',
    modbus: modbus(1 + i),
    pollIntervalMs: SERIAL_POLL_MS,
    ...(i === 0 ? { points: limits } : {}),
  }));
  if (dead) devices.push({ id: 'dead', profile: 'gas-detector', modbus: modbus(20), pollIntervalMs: SERIAL_POLL_MS });
  return devices;
}

function heatStation(port: number): unknown {
  return {
    id: 'hx',
    profile: 'heat-station',
    opcua: { endpointUrl: `opc.tcp://127.0.0.1:${port}/lifeline/heat`, securityMode: 'None' },
    pollIntervalMs: 1000,
    acquisition: { opcua: { samplingIntervalMs: 10 } },
    points: { 'supply-pressure': { limits: { hi: { onDelayMs: 0, offDelayMs: 0 } } } },
  };
}

async function writeSite(dir: string, devices: unknown[], centreUrl: string): Promise<string> {
  const site = {
    site: 'bench',
    gateway: 'gw-bench',
    profilesDir: '.',
    stateDir: 'state',
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { local: { host: '127.0.0.1', port: 0 }, centre: { url: centreUrl } },
    simulator: { http: { host: '127.0.0.1', port: 0 } },
    devices,
  };
  const file = join(dir, 'site.yaml');
  await writeFile(file, stringify(site));
  return file;
}

/** A pty pair as the simulator makes one: the gateway opens `path`, the server `path.device`. */
async function startPty(path: string): Promise<() => void> {
  const socat = spawn('/usr/bin/socat', ['-d', '-d', `pty,raw,echo=0,link=${path}.device`, `pty,raw,echo=0,link=${path}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    socat.stderr?.on('data', (d) => String(d).includes('starting data transfer loop') && resolve());
    socat.once('exit', (code) => reject(new Error(`socat exited with ${code}`)));
  });
  return () => socat.kill('SIGTERM');
}

async function startPymodbus(file: string, port: number, c: Case, dir: string): Promise<Running> {
  const units = serial(c) ? Array.from({ length: 10 }, (_, i) => 1 + i) : [1, ...Array.from({ length: BULK }, (_, i) => 2 + i)];
  const stopPty = serial(c) ? await startPty(join(dir, 'rs485')) : () => undefined;
  const args = [PYMODBUS_SCRIPT, String(port), units.join(','), ...(serial(c) ? ['--serial', `${join(dir, 'rs485')}.device`] : [])];
  const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => String(d).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`pymodbus exited with ${code}`)));
  });
  const gateway = await spawnGateway(file, await liveDevices(file, c));
  // The change comes from a second master on its own connection, as a field device's value changes on its own.
  const writer = createModbusClient();
  await writer.connectTCP('127.0.0.1', { port });
  writer.setID(1);
  writer.setTimeout(1000);
  return {
    set: async (lel) => {
      await writer.writeRegister(0, Math.round(lel * 10));
    },
    stop: async () => {
      await new Promise<void>((r) => writer.close(() => r()));
      await gateway.stop();
      child.kill('SIGKILL');
      stopPty();
    },
  };
}

/** The site's devices that answer: all but the dead unit. */
async function liveDevices(file: string, c: Case): Promise<number> {
  return (await loadSiteConfig(file)).devices.length - (withDead(c) ? 1 : 0);
}

/**
 * The built gateway as deployed — `lifeline-gateway run` with its bin's V8
 * flags, in its own process — once `online` of its devices are; the dead
 * unit never is.
 */
async function spawnGateway(file: string, online: number): Promise<{ stop: () => Promise<void> }> {
  if (!existsSync(join(import.meta.dirname, '../gateway/dist/cli/main.js')))
    throw new Error('field-faults needs the built gateway: npm run build');
  const gateway = await spawnReporting(
    'the gateway',
    [...binNodeFlags(), GATEWAY_BIN, 'run', '--config', file],
    /dashboard\s+https?:\/\/[^:/]+:(\d+)\//,
  );
  try {
    const deadline = Date.now() + 60_000;
    while ((await onlineCount(gateway.port)) < online) {
      if (Date.now() > deadline) throw new Error(`fewer than ${online} devices online after 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await gateway.stop();
    throw e;
  }
  return gateway;
}

/** `firmware-sim run` in a child process (from source, as the bench runs); resolves with its control API. */
async function spawnSimulator(file: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const args = [...process.execArgv, SIM_MAIN, 'run', '--site', file, '--sim-port', '0'];
  const sim = await spawnReporting('firmware-sim', args, /control API\s+http:\/\/localhost:(\d+)/);
  return { url: `http://127.0.0.1:${sim.port}`, stop: sim.stop };
}

/** A Node.js child that prints the port it listens on (`ready`'s first group); `stop` ends it with SIGTERM. */
async function spawnReporting(name: string, args: string[], ready: RegExp): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const found = ready.exec(out)?.[1];
      if (found) resolve(Number(found));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
  });
  return { port, stop };
}

async function startSimulator(file: string, c: Case): Promise<Running> {
  const simulator = await spawnSimulator(file);
  const sim = simulator.url;
  if (withDead(c)) {
    const res = await fetch(`${sim}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'no-response', device: 'dead' }),
    });
    if (!res.ok) throw new Error(`fault injection failed: ${res.status} ${await res.text()}`);
  }
  const gateway = await spawnGateway(file, await liveDevices(file, c));
  return {
    set: async (value) => {
      const { device, point } = probeOf(c);
      const res = await fetch(`${sim}/devices/${device}/points/${point}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value }),
      });
      if (!res.ok) throw new Error(`simulator PUT failed: ${res.status}`);
    },
    stop: async () => {
      await gateway.stop();
      await simulator.stop();
    },
  };
}

async function runCase(server: Server, c: Case, broker: MosquittoBroker): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-faults-'));
  const port = await freePort();
  const file = await siteFile(dir, c, port, broker.url);
  const centre = await connectAsync(broker.url, { clientId: `bench-centre-${server}-${c}` });
  await centre.subscribeAsync('lifeline/v1/bench/gw-bench/alarms', { qos: 1 });
  let waiting: { event: string; resolve: (at: number) => void } | undefined;
  centre.on('message', (_topic, payload) => {
    const at = performance.now();
    const event = JSON.parse(payload.toString()) as { event: string; alarmId: string };
    if (waiting && event.alarmId === probeOf(c).alarmId && event.event === waiting.event) waiting.resolve(at);
  });
  const running = server === 'pymodbus' ? await startPymodbus(file, port, c, dir) : await startSimulator(file, c);
  let missed = 0;
  const measure = async (value: number, event: string): Promise<number | undefined> => {
    const arrived = new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 5000);
      waiting = {
        event,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
    const start = performance.now();
    await running.set(value);
    const at = await arrived;
    waiting = undefined;
    if (at === undefined) missed += 1;
    return at === undefined ? undefined : at - start;
  };
  try {
    // Warm-up: every unit connected, the dead unit's breaker open (2 cycles × 2 tries × 1 s), the alarm clear.
    await running.set(probeOf(c).clear);
    await new Promise((r) => setTimeout(r, c === 'c' || c === 'cp' ? 6000 : c === 'dx' ? 9000 : 1500));
    const samples: number[] = [];
    const randomPhase = () => new Promise((r) => setTimeout(r, Math.random() * pollOf(c)));
    for (let i = 0; i < changes; i++) {
      for (const [value, event] of [
        [probeOf(c).raise, 'raise'],
        [probeOf(c).clear, 'clear'],
      ] as const) {
        await randomPhase();
        const ms = await measure(value, event);
        if (ms !== undefined) samples.push(ms);
      }
    }
    const label = `${server} (${c})`;
    process.stdout.write(`${formatSummary(label, summarise(samples))}  missed ${missed}\n`);
  } finally {
    await centre.endAsync(true);
    await running.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const servers: Server[] = values.server === 'both' ? ['pymodbus', 'sim'] : [values.server as Server];
  const cases = (values.cases ?? '').split(',') as Case[];
  const runs = servers.flatMap((server) => cases.filter((c) => !simOnly(c) || server === 'sim').map((c) => [server, c] as const));
  process.stdout.write(
    `field-faults: change → raise/clear at centre, ${pollMs} ms polls, ${changes} changes each way, one Modbus TCP connection; (b) + ${BULK} units × 100 registers, (c) (b) + a dead unit, (cp) (c) with maxInFlight ${PIPELINED}\n`,
  );
  const broker = new MosquittoBroker();
  await broker.start();
  try {
    for (const [server, c] of runs) await runCase(server, c, broker);
    process.stdout.write(
      `targets: (a)(b) p99 ≤ ${pollMs + 5} ms, (c)(cp) p99 ≤ 120 ms, (d) the dead unit adds ≤ 20 ms to p99 (dx vs d, ${SERIAL_POLL_MS} ms polls), (e) p99 ≤ 30 ms, nothing missed\n`,
    );
  } finally {
    await broker.stop();
  }
}
