/**
 * Memory of a real, built gateway process with 10k points (DESIGN.md §8:
 * ≤ 150 MB RSS): `lifeline-gateway run` polls 910 gas detectors (11 points
 * each) once a second from the firmware simulator over 10 Modbus TCP links,
 * with its embedded broker, HTTP API, alarm engine, outbox, history and twin.
 * RSS is read from /proc once a second once every device is online.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { loadSiteConfig } from '../core/src/index.js';
import { FirmwareSimulator } from '../firmware-sim/src/simulator.js';
import { freePort } from '../scripts/servers/free-port.js';

const GATEWAY_BIN = join(import.meta.dirname, '../demo/bin/lifeline-gateway.js');
const LINKS = 10;

export interface GatewayRss {
  readonly points: number;
  readonly onlineAfterS: number;
  readonly samplesMb: readonly number[];
}

async function writeSite(dir: string, devices: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ports = await Promise.all(Array.from({ length: LINKS }, () => freePort()));
  const site = {
    site: 'bench',
    gateway: 'gw-bench',
    stateDir: 'state',
    http: { host: '127.0.0.1', port: await freePort() },
    mqtt: { local: { host: '127.0.0.1', port: await freePort() } },
    simulator: { http: { host: '127.0.0.1', port: 0 } },
    devices: Array.from({ length: devices }, (_, i) => ({
      id: `gas-${i}`,
      profile: 'gas-detector',
      modbus: { host: '127.0.0.1', port: ports[i % LINKS], unitId: 1 + Math.floor(i / LINKS), timeoutMs: 1000 },
      pollIntervalMs: 1000,
    })),
  };
  const file = join(dir, 'site.yaml');
  await writeFile(file, stringify(site));
  return file;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

async function allOnline(httpPort: number, devices: number): Promise<boolean> {
  try {
    const health = (await (await fetch(`http://127.0.0.1:${httpPort}/api/health`)).json()) as { devices: Record<string, string> };
    return Object.values(health.devices).filter((s) => s === 'online').length === devices;
  } catch {
    return false;
  }
}

export async function measureGatewayRss(dir: string, devices: number, seconds: number): Promise<GatewayRss> {
  if (!existsSync(join(import.meta.dirname, '../gateway/dist/cli/main.js')))
    throw new Error('gateway-rss needs the built gateway: npm run build');
  const config = await loadSiteConfig(await writeSite(dir, devices));
  const simulator = new FirmwareSimulator(config, pino({ level: 'warn' }));
  await simulator.start('127.0.0.1', 0);
  let gateway: ChildProcess | undefined;
  try {
    gateway = spawn(process.execPath, [GATEWAY_BIN, 'run', '--config', config.file], {
      env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const t0 = Date.now();
    while (!(await allOnline(config.http.port, devices))) {
      if (Date.now() - t0 > 60_000) throw new Error('not every device came online within 60 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const onlineAfterS = (Date.now() - t0) / 1000;
    const samplesMb: number[] = [];
    for (let s = 0; s < seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      samplesMb.push(await rssMb(gateway.pid as number));
    }
    const points = config.devices.reduce((n, d) => n + d.points.length, 0);
    return { points, onlineAfterS, samplesMb };
  } finally {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway?.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
    await simulator.stop();
  }
}
