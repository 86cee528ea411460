/**
 * The durable outbox (issue #6, DESIGN.md §8):
 *  1. sustained readings/s into the SQLite outbox with durability on (WAL,
 *     synchronous=FULL): readings → report-by-exception → batches → append;
 *  2. per-alarm commit latency (each alarm is its own fsync'd transaction);
 *  3. replay speed against real time: a backlog standing for `--outage-s`
 *     seconds of a site's output drains to a real Mosquitto (QoS 1, cursor on
 *     PUBACK) at the default replay pacing. Target ≥ 10× real time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayTopics } from '@lifeline/twin';
import { pino } from 'pino';
import { DEFAULTS } from '../core/src/config/defaults.js';
import type { Reading } from '../core/src/reading.js';
import { systemClock } from '../core/src/time/clock.js';
import { MqttSink } from '../gateway/src/sinks/mqtt-sink.js';
import { Outbox } from '../gateway/src/store/outbox.js';
import { SqliteOutboxStore } from '../gateway/src/store/sqlite-outbox-store.js';
import { TelemetryReporter } from '../gateway/src/telemetry/telemetry-reporter.js';
import { MqttUplink } from '../gateway/src/uplink/mqtt-uplink.js';
import { MosquittoBroker } from '../scripts/servers/mosquitto.js';
import { formatSummary, summarise } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    readings: { type: 'string', default: '1000000' },
    points: { type: 'string', default: '10000' },
    alarms: { type: 'string', default: '500' },
    'outage-s': { type: 'string', default: '600' },
    'site-rate': { type: 'string', default: '1000' },
  },
});

const log = pino({ level: 'silent' });
const topics = gatewayTopics('bench', 'gw-bench');
const sinks = { centre: ['alarm', 'twin', 'telemetry'] } as const;

function openStore(dir: string): SqliteOutboxStore {
  return new SqliteOutboxStore(join(dir, 'outbox.db'), { sinks, budgetBytes: 4 * 1024 ** 3, telemetryRetentionMs: 0 });
}

function newOutbox(store: SqliteOutboxStore): Outbox {
  return new Outbox(store, systemClock, log, {
    batch: { alarm: 100, twin: 50, telemetry: 50 },
    replayRatePerS: DEFAULTS.replayRatePerS,
    backoff: { baseMs: 100, maxMs: 1000 },
  });
}

/** Readings through report-by-exception and batching into the outbox; every value changes, so all are kept. */
async function ingest(dir: string): Promise<void> {
  const total = Number(values.readings);
  const points = Number(values.points);
  const store = openStore(dir);
  const outbox = newOutbox(store);
  const reporter = new TelemetryReporter(
    {
      bootId: 'bench',
      deadband: 0,
      maxSilenceMs: 60_000,
      batchIntervalMs: 1000,
      batchMaxReadings: DEFAULTS.telemetryBatchMaxReadings,
      unitOf: () => '%LEL',
    },
    systemClock,
    (batch) => outbox.enqueue({ lane: 'telemetry', topic: topics.telemetry, payload: JSON.stringify(batch) }),
  );
  const now = Date.now();
  const start = process.hrtime.bigint();
  // One poll's worth at a time, as a poller hands them over.
  const poll = 100;
  for (let i = 0; i < total; i += poll) {
    const readings: Reading[] = [];
    for (let k = i; k < i + poll; k += 1) {
      readings.push({ device: `d${k % points}`, point: 'lel1', value: k, quality: 'good', sourceTs: now, rxTs: now });
    }
    reporter.offer(readings);
  }
  reporter.stop();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stats = store.stats();
  process.stdout.write(
    `ingest: ${total} readings in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} readings/s durable ` +
      `(${stats.lanes.telemetry.depth} batches, ${(stats.bytes / 1024 ** 2).toFixed(0)} MiB)\n`,
  );

  const latencies: number[] = [];
  for (let i = 0; i < Number(values.alarms); i += 1) {
    const t = process.hrtime.bigint();
    outbox.enqueue({ lane: 'alarm', topic: topics.alarms, payload: JSON.stringify({ seq: i, alarmId: 'd/p/hihi', value: i }) });
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  process.stdout.write(`${formatSummary('alarm commit (fsync each)', summarise(latencies))}\n`);
  store.close();
}

/** A backlog of `outage-s` seconds at `site-rate` readings/s (500-reading batches) drains to Mosquitto. */
async function replay(dir: string): Promise<void> {
  const outageS = Number(values['outage-s']);
  const rate = Number(values['site-rate']);
  const perBatch = Math.min(rate, DEFAULTS.telemetryBatchMaxReadings);
  const batchesPerS = Math.ceil(rate / perBatch);
  const broker = new MosquittoBroker();
  await broker.start();
  const store = openStore(dir);
  const outbox = newOutbox(store);
  const readings = Array.from({ length: perBatch }, (_, i) => ({
    device: `d${i}`,
    point: 'lel1',
    value: i,
    unit: '%LEL',
    quality: 'good',
    sourceTs: new Date().toISOString(),
  }));
  let seq = 0;
  for (let s = 0; s < outageS; s += 1) {
    const entries = Array.from({ length: batchesPerS }, () => ({
      lane: 'telemetry' as const,
      topic: topics.telemetry,
      payload: JSON.stringify({ bootId: 'bench', seq: ++seq, ts: new Date().toISOString(), readings }),
    }));
    outbox.enqueue(...entries);
    if (s % 60 === 0) outbox.enqueue({ lane: 'alarm', topic: topics.alarms, payload: JSON.stringify({ seq: s }) });
  }
  const uplink = new MqttUplink(
    { name: 'centre', url: broker.url, topics, bootId: 'bench', version: 'bench', clientId: 'gw-bench', protocolVersion: 4 },
    log,
  );
  outbox.addSink(new MqttSink(uplink));
  const messages = store.stats().sinks.centre?.telemetry?.pending ?? 0;
  // The backlog was committed before the link came up, so it all replays as historical and paced.
  await new Promise((r) => setTimeout(r, 5));
  const start = Date.now();
  outbox.start();
  while ((store.stats().sinks.centre?.telemetry?.pending ?? 0) > 0 || (store.stats().sinks.centre?.alarm?.pending ?? 0) > 0) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (Date.now() - start) / 1000;
  process.stdout.write(
    `replay: ${outageS} s of backlog (${messages} batches, ${messages * perBatch} readings, replayRatePerS ${DEFAULTS.replayRatePerS}) ` +
      `drained in ${seconds.toFixed(2)} s = ${(outageS / seconds).toFixed(1)}× real time\n`,
  );
  await outbox.stop();
  store.close();
  await broker.dispose();
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-outbox-'));
  try {
    await ingest(join(dir, 'ingest'));
    await replay(join(dir, 'replay'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
