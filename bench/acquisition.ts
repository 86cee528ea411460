/**
 * Acquisition throughput and poll jitter: N devices × M holding registers served
 * by the firmware simulator over real Modbus TCP sockets, spread over C
 * simulator ports (one gateway connection and one bus scheduler each), polled
 * by the AcquisitionManager for a fixed time. Reports good readings per second
 * and the jitter of each device's poll period against the nominal interval.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSiteConfig } from '@lifeline/core';
import { AcquisitionManager } from '@lifeline/gateway';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { FirmwareSimulator } from '../firmware-sim/src/simulator.js';
import { freePort } from '../scripts/servers/free-port.js';
import { formatSummary, summarise } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    devices: { type: 'string', default: '100' },
    registers: { type: 'string', default: '100' },
    connections: { type: 'string', default: '10' },
    'poll-ms': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
  },
});
const devices = Number(values.devices);
const registers = Number(values.registers);
const connections = Number(values.connections);
const pollMs = Number(values['poll-ms']);
const seconds = Number(values.seconds);

async function writeSite(dir: string): Promise<string> {
  const points = Object.fromEntries(
    Array.from({ length: registers }, (_, i) => [
      `r${i}`,
      { name: `Register ${i}`, modbus: { table: 'holding', address: i, type: 'uint16' } },
    ]),
  );
  await writeFile(join(dir, 'bench-meter.yaml'), stringify({ id: 'bench-meter', kind: 'bench', name: 'Bench meter', points }));
  const ports = await Promise.all(Array.from({ length: connections }, () => freePort()));
  const site = {
    site: 'bench',
    gateway: 'gw-bench',
    profilesDir: '.',
    stateDir: 'state',
    simulator: { http: { host: '127.0.0.1', port: 0 } },
    devices: Array.from({ length: devices }, (_, i) => ({
      id: `m-${i}`,
      profile: 'bench-meter',
      modbus: { host: '127.0.0.1', port: ports[i % connections], unitId: 1 + Math.floor(i / connections), timeoutMs: 1000 },
      pollIntervalMs: pollMs,
    })),
  };
  const file = join(dir, 'site.yaml');
  await writeFile(file, stringify(site));
  return file;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-acq-'));
  const log = pino({ level: 'warn' });
  const config = await loadSiteConfig(await writeSite(dir));
  const simulator = new FirmwareSimulator(config, log);
  await simulator.start('127.0.0.1', 0);
  const manager = new AcquisitionManager(config.devices, { log, stateDir: config.stateDir });
  const polls = new Map<string, number[]>();
  let good = 0;
  let measuring = false;
  manager.on('readings', (batch) => {
    if (!measuring) return;
    const at = performance.now();
    const first = batch[0];
    if (first?.quality !== 'good') return;
    good += batch.length;
    const times = polls.get(first.device) ?? [];
    times.push(at);
    polls.set(first.device, times);
  });
  try {
    manager.start();
    await new Promise((r) => setTimeout(r, 2000)); // connect and settle
    measuring = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    measuring = false;
    const elapsedS = (performance.now() - t0) / 1000;
    const jitter: number[] = [];
    for (const times of polls.values())
      for (let i = 1; i < times.length; i++) jitter.push(Math.abs((times[i] as number) - (times[i - 1] as number) - pollMs));
    const health = manager.deviceHealth();
    const requests = health.reduce((n, h) => n + h.counters.requests, 0);
    const latency =
      health.reduce((s, h) => s + h.latency.sumMs, 0) /
      Math.max(
        1,
        health.reduce((n, h) => n + h.latency.count, 0),
      );
    process.stdout.write(
      `acquisition: ${devices} devices × ${registers} registers on ${connections} connections, poll ${pollMs} ms, ${seconds} s\n` +
        `readings/s ${(good / elapsedS).toFixed(0)} (nominal ${((devices * registers * 1000) / pollMs).toFixed(0)}), ` +
        `requests ${requests}, mean request latency ${latency.toFixed(2)} ms, timeouts ${health.reduce((n, h) => n + h.counters.timeouts, 0)}\n`,
    );
    process.stdout.write(`${formatSummary('poll jitter |period − nominal|', summarise(jitter))}\n`);
  } finally {
    await manager.stop();
    await simulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
