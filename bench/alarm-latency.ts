/**
 * Simulator value change → alarm at a centre subscriber, end to end on real
 * sockets: HTTP PUT to the firmware simulator, Modbus TCP poll by the gateway,
 * limit evaluation, MQTT publish to a real Mosquitto, delivery to a subscriber.
 * Background load: N more devices polled at the same interval (11 points each),
 * spread over L simulator ports. The gateway runs one bus scheduler per
 * connection, one transaction at a time (docs/acquisition.md), as a real
 * RS-485 line or serial gateway must; a site with 100 detectors has them on
 * many links, not one. The measured device has a link of its own, so the
 * figure is the alarm path (poll cadence + pipeline + MQTT) under the site's
 * CPU load, not the queue of whichever link it shares: link sizing is
 * bench/acquisition's subject.
 * Target (DESIGN.md §8): p99 ≤ poll interval + 50 ms.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemo } from '@lifeline/demo';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { freePort } from '../scripts/servers/free-port.js';
import { MosquittoBroker } from '../scripts/servers/mosquitto.js';
import { formatSummary, summarise } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    changes: { type: 'string', default: '200' },
    'poll-ms': { type: 'string', default: '100' },
    background: { type: 'string', default: '100' },
    links: { type: 'string', default: '10' },
  },
});
const changes = Number(values.changes);
const pollMs = Number(values['poll-ms']);
const background = Number(values.background);
const links = Math.max(1, Math.min(Number(values.links), background));
/** Modbus unit ids 1…247; one server holds at most that many units. */
const MAX_UNITS = 247;

/** The probe on a port of its own; the background devices round-robin over `links` more ports. */
async function siteYaml(): Promise<string> {
  // All at once, so that no two are handed the same port.
  const [probePort, ...ports] = await Promise.all(Array.from({ length: links + 1 }, () => freePort()));
  const lines = [
    'site: bench',
    'gateway: gw-bench',
    'http: { host: 127.0.0.1, port: 0 }',
    'mqtt: { local: { host: 127.0.0.1, port: 0 } }',
    'simulator: { http: { host: 127.0.0.1, port: 0 } }',
    'devices:',
    '  - id: probe',
    '    profile: gas-detector',
    `    modbus: { host: 127.0.0.1, port: ${probePort}, unitId: 1 }`,
    `    pollIntervalMs: ${pollMs}`,
    '    points:',
    '      lel1: { limits: { hi: { enabled: false }, hihi: { value: 50, hysteresis: 2, onDelayMs: 0, offDelayMs: 0 } } }',
  ];
  for (let i = 0; i < background; i++) {
    const unitId = 1 + Math.floor(i / links);
    lines.push(
      `  - id: load-${i}`,
      '    profile: gas-detector',
      `    modbus: { host: 127.0.0.1, port: ${ports[i % links]}, unitId: ${unitId} }`,
    );
    lines.push(`    pollIntervalMs: ${pollMs}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function run(): Promise<void> {
  if (Math.ceil(background / links) > MAX_UNITS)
    throw new Error(
      `--background ${background} over --links ${links}: at most ${MAX_UNITS} devices per link (Modbus unit ids 1…${MAX_UNITS})`,
    );
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-'));
  const file = join(dir, 'site.yaml');
  await writeFile(file, await siteYaml());
  const broker = new MosquittoBroker();
  await broker.start();
  const site = await startDemo(
    file,
    { LIFELINE_HTTP_PORT: '0', LIFELINE_MQTT_PORT: '0', LIFELINE_SIM_PORT: '0', LIFELINE_CENTRE_URL: broker.url },
    pino({ level: 'warn' }),
  );
  const centre = await connectAsync(broker.url, { clientId: 'bench-centre' });
  await centre.subscribeAsync('lifeline/v1/bench/gw-bench/alarms', { qos: 1 });
  let waiting: { event: string; resolve: (at: number) => void } | undefined;
  centre.on('message', (_topic, payload) => {
    const at = performance.now();
    const event = JSON.parse(payload.toString()) as { event: string; alarmId: string };
    if (waiting && event.alarmId === 'probe/lel1/hihi' && event.event === waiting.event) waiting.resolve(at);
  });
  const put = async (value: number) => {
    const res = await fetch(`${site.urls.simulator}/devices/probe/points/lel1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });
    if (!res.ok) throw new Error(`simulator PUT failed: ${res.status}`);
  };
  const measure = async (value: number, event: string): Promise<number> => {
    const arrived = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within 5 s`)), 5000);
      waiting = {
        event,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
    const start = performance.now();
    await put(value);
    const at = await arrived;
    waiting = undefined;
    return at - start;
  };

  try {
    await new Promise((r) => setTimeout(r, 1000)); // let every poller connect
    const raise: number[] = [];
    const clear: number[] = [];
    // A random phase against the poll cadence before each change, so the sample spans it evenly.
    const randomPhase = () => new Promise((r) => setTimeout(r, Math.random() * pollMs));
    for (let i = 0; i < changes; i++) {
      await randomPhase();
      raise.push(await measure(60, 'raise'));
      await randomPhase();
      clear.push(await measure(0, 'clear'));
    }
    const readingsPerSecond = (site.site.devices.reduce((n, d) => n + d.points.length, 0) * 1000) / pollMs;
    process.stdout.write(
      `alarm-latency: poll interval ${pollMs} ms, ${changes} changes, background ${background} devices on ${links} links + the probe on its own (${readingsPerSecond} readings/s)\n`,
    );
    const r = summarise(raise);
    const c = summarise(clear);
    process.stdout.write(`${formatSummary('change → raise at centre', r)}\n`);
    process.stdout.write(`${formatSummary('change → clear at centre', c)}\n`);
    const target = pollMs + 50;
    const verdict = (p99: number) => (p99 <= target ? 'met' : 'NOT met');
    process.stdout.write(`target p99 ≤ ${target} ms: raise ${verdict(r.p99)}, clear ${verdict(c.p99)}\n`);
  } finally {
    await centre.endAsync(true);
    await site.stop();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
