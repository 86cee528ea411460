/**
 * The twin at scale: a 10k-point twin (1,000 gas detectors × 10 points).
 * 1. patch build: readings → reported twin → one merge patch per coalescing
 *    window, in process (what the gateway spends per window);
 * 2. patch throughput end to end: GatewayTwin → MQTT → real Mosquitto → the
 *    centre mirror applying each patch;
 * 3. full resync: the mirror asks `cmd/resync`, the gateway publishes the full
 *    retained twin, the mirror has it applied.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gatewayTopics } from '@lifeline/twin';
import { type MemoryCentreStore, startCentre } from '@lifeline/twin/centre';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { loadSiteConfig, type SiteConfig } from '../core/src/index.js';
import type { Reading } from '../core/src/reading.js';
import { systemClock } from '../core/src/time/clock.js';
import { gatewayBus } from '../gateway/src/events/gateway-events.js';
import { GatewayTwin } from '../gateway/src/twin/index.js';
import { MosquittoBroker } from '../scripts/servers/mosquitto.js';
import { SharedClientLink } from '../test/support/twin-link.js';
import { formatSummary, summarise } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    devices: { type: 'string', default: '1000' },
    'changes-per-patch': { type: 'string', default: '500' },
    patches: { type: 'string', default: '200' },
    resyncs: { type: 'string', default: '20' },
  },
});
const devices = Number(values.devices);
const perPatch = Number(values['changes-per-patch']);
const patchCount = Number(values.patches);
const resyncs = Number(values.resyncs);
const silent = pino({ level: 'silent' });

async function bigSite(): Promise<SiteConfig> {
  const base = await loadSiteConfig(fileURLToPath(new URL('../test/fixtures/gas-site.yaml', import.meta.url)));
  const template = base.devices[0] as SiteConfig['devices'][number];
  const many = Array.from({ length: devices }, (_, i) => ({ ...template, id: `gas-${i}` }));
  // Large twins: patches up to 1 MB stay patches; no quiet refresh during the run.
  return {
    ...base,
    site: 'bench',
    gateway: 'gw-big',
    devices: many,
    twin: { ...base.twin, coalesceMs: 0, maxPatchBytes: 1_048_576, snapshotQuietMs: 0 },
  };
}

function readingsFor(site: SiteConfig, round: number): Reading[] {
  const now = Date.now();
  const out: Reading[] = [];
  for (let k = 0; k < perPatch; k++) {
    const n = (round * perPatch + k) % (site.devices.length * 4);
    out.push({ device: `gas-${n >> 2}`, point: `lel${(n & 3) + 1}`, value: round + k / 1000, quality: 'good', sourceTs: now, rxTs: now });
  }
  return out;
}

export async function run(): Promise<void> {
  const site = await bigSite();
  const points = site.devices.reduce((n, d) => n + d.points.length, 0);
  process.stdout.write(`twin: ${points} points (${devices} devices), ${perPatch} changed points per patch\n`);

  // 1. In process: build patches.
  {
    const bus = gatewayBus(silent);
    const sent: number[] = [];
    const link = {
      name: 'null',
      publish: (t: string, p: string) => void (t.endsWith('/twin/patch') && sent.push(p.length)),
      subscribe: () => undefined,
    };
    const twin = new GatewayTwin({
      config: site,
      bootId: 'bench',
      softwareVersion: '0',
      events: bus,
      alarms: undefined,
      clock: systemClock,
      log: silent,
    });
    twin.start([link]);
    const times: number[] = [];
    for (let round = 1; round <= patchCount; round++) {
      const readings = readingsFor(site, round);
      const t0 = performance.now();
      bus.emit('readings', readings);
      twin.flush();
      times.push(performance.now() - t0);
    }
    twin.stop();
    const s = summarise(times);
    process.stdout.write(`${formatSummary('readings → patch (in process)', s)}\n`);
    process.stdout.write(
      `  ≈ ${Math.round((perPatch * 1000) / s.p50).toLocaleString('en')} point changes/s at p50; patch p50 ${Math.round(summarise(sent).p50 / 1024)} KiB\n`,
    );
  }

  // 2 and 3. Over a real Mosquitto into the mirror.
  const broker = new MosquittoBroker();
  await broker.start();
  const centre = await startCentre({ brokerUrl: broker.url, httpHost: '127.0.0.1', httpPort: 0, log: silent, resyncRetryMs: 0 });
  const client = await connectAsync(broker.url, { clientId: 'bench-gw' });
  const bus = gatewayBus(silent);
  const twin = new GatewayTwin({
    config: { ...site, twin: { ...site.twin, resyncMinIntervalMs: 0 } },
    bootId: 'bench-boot',
    softwareVersion: '0',
    events: bus,
    alarms: undefined,
    clock: systemClock,
    log: silent,
  });
  const mirror = centre.store as MemoryCentreStore;
  const versionAtMirror = () => mirror.twinNow('bench', 'gw-big')?.version ?? 0;
  const until = async (cond: () => boolean, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`bench: no ${what} within 60 s`);
      await new Promise((r) => setImmediate(r));
    }
  };
  try {
    const link = new SharedClientLink(client, 'bench');
    twin.start([link]);
    link.birth(gatewayTopics('bench', 'gw-big').status, 'bench-boot');
    await until(() => versionAtMirror() >= 1, 'first twin');

    const t0 = performance.now();
    for (let round = 1; round <= patchCount; round++) {
      bus.emit('readings', readingsFor(site, round));
      twin.flush();
      if (round % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const target = twin.twin.version;
    await until(() => versionAtMirror() >= target, 'last patch');
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(
      `patches gateway → Mosquitto → mirror: ${patchCount} patches in ${seconds.toFixed(2)} s = ${Math.round(patchCount / seconds)} patches/s, ${Math.round((patchCount * perPatch) / seconds).toLocaleString('en')} point changes/s\n`,
    );

    const times: number[] = [];
    const resyncTopic = gatewayTopics('bench', 'gw-big').command('resync');
    for (let i = 0; i < resyncs; i++) {
      let applied = false;
      // No patches flow meanwhile: the one twin change is the full twin the resync brought.
      const unwatch = mirror.watch((e) => {
        if (e.type === 'twin') applied = true;
      });
      const t = performance.now();
      await client.publishAsync(resyncTopic, JSON.stringify({ clientToken: `r${i}`, reason: 'bench' }), { qos: 1 });
      await until(() => applied, 'resync');
      times.push(performance.now() - t);
      unwatch();
    }
    const bytes = JSON.stringify(twin.twin.snapshot(Date.now())).length;
    process.stdout.write(
      `${formatSummary('full resync (cmd → applied)', summarise(times))}\n  full twin ${Math.round(bytes / 1024)} KiB\n`,
    );
  } finally {
    twin.stop();
    await client.endAsync(true);
    await centre.stop();
    await broker.stop();
  }
}
