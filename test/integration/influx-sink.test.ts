import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryBatch } from '@lifeline/twin';
import { pino } from 'pino';
import { systemClock } from '../../core/src/time/clock.js';
import { INFLUX_LANES, InfluxSink, type LineWriter } from '../../gateway/src/sinks/influx-sink.js';
import { InfluxV1Writer } from '../../gateway/src/sinks/influx-v1-writer.js';
import { InfluxV2Writer } from '../../gateway/src/sinks/influx-v2-writer.js';
import { MemoryOutboxStore } from '../../gateway/src/store/memory-outbox-store.js';
import { Outbox } from '../../gateway/src/store/outbox.js';
import { INFLUXD, InfluxDb1Server } from '../../scripts/servers/influxdb.js';
import { VICTORIA_METRICS, VictoriaMetricsServer } from '../../scripts/servers/victoria-metrics.js';
import { requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';

const log = pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' });
const identity = { site: 'test-site', gateway: 'gw-test' };
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** `n` batches of 10 readings each of gas-1/lel1, one per second of sample time, values 0…n*10-1. */
function batches(from: number, n: number): TelemetryBatch[] {
  return Array.from({ length: n }, (_, b) => ({
    bootId: 'boot-1',
    seq: from + b + 1,
    ts: new Date().toISOString(),
    readings: Array.from({ length: 10 }, (_, i) => {
      const k = (from + b) * 10 + i;
      return {
        device: 'gas-1',
        point: 'lel1',
        value: k,
        unit: '%LEL',
        quality: 'good' as const,
        sourceTs: new Date(T0 + k * 1000).toISOString(),
      };
    }),
  }));
}

function outboxWith(name: string, writer: LineWriter): { outbox: Outbox; sink: InfluxSink } {
  const store = new MemoryOutboxStore({ sinks: { [name]: INFLUX_LANES }, budgetBytes: 10_000_000, telemetryRetentionMs: 0 });
  const outbox = new Outbox(store, systemClock, log, {
    batch: { alarm: 100, twin: 50, telemetry: 5 },
    replayRatePerS: 10_000,
    backoff: { baseMs: 50, maxMs: 200 },
  });
  const sink = new InfluxSink(name, writer, identity, systemClock, log);
  outbox.addSink(sink);
  return { outbox, sink };
}

function enqueue(outbox: Outbox, list: TelemetryBatch[]): void {
  for (const b of list) outbox.enqueue({ lane: 'telemetry', topic: 'lifeline/v1/test-site/gw-test/telemetry', payload: JSON.stringify(b) });
}

/**
 * The outage both sinks must survive: 50 points written, the server stopped,
 * 200 more offered until a write fails as unreachable, the server back; then
 * `check` sees what arrived. Returns the outbox (the caller stops it).
 */
async function throughOutage(
  writer: LineWriter,
  server: { stop(): Promise<void>; start(): Promise<void> },
  stored: () => Promise<number>,
): Promise<Outbox> {
  const { outbox, sink } = outboxWith('influx', writer);
  outbox.start();
  enqueue(outbox, batches(0, 5));
  await until('50 points', stored, (n) => n === 50);
  await server.stop();
  enqueue(outbox, batches(5, 20));
  await until(
    'a failed write',
    async () => sink.health(),
    (h) => h.lastError?.code === 'LL_ERR_INFLUX_UNREACHABLE',
  );
  assert.equal(outbox.view().stats.sinks.influx?.telemetry?.pending, 20, 'the batches wait in the outbox');
  await server.start();
  await until('250 points', stored, (n) => n === 250);
  return outbox;
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 12_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

describe('InfluxDB v1 /write sink against a real InfluxDB 1.x', () => {
  let server: InfluxDb1Server;
  let outbox: Outbox | undefined;

  beforeEach(async function () {
    this.timeout(30_000);
    requireBinary(this, INFLUXD, 'influxdb');
    server = new InfluxDb1Server();
    await server.start();
    await server.createDatabase('lifeline');
  });

  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    await server?.dispose();
  });

  const count = async () => Number((await server.query('lifeline', 'SELECT count(value) FROM reading'))[0]?.count ?? 0);

  it('writes every reading with site, gateway, device, point and unit tags and a quality field', async () => {
    const built = outboxWith('influx', new InfluxV1Writer({ sink: 'influx', url: server.url, database: 'lifeline', timeoutMs: 5000 }));
    outbox = built.outbox;
    outbox.start();
    enqueue(outbox, batches(0, 3));
    await until('30 points', count, (n) => n === 30);
    const rows = await server.query('lifeline', 'SELECT * FROM reading ORDER BY time LIMIT 2');
    assert.deepEqual(rows[1], {
      time: T0 + 1000,
      site: 'test-site',
      gateway: 'gw-test',
      device: 'gas-1',
      point: 'lel1',
      unit: '%LEL',
      quality: 'good',
      value: 1,
    });
  });

  it('InfluxDB down, then back: every point arrives exactly once', async function () {
    this.timeout(30_000);
    outbox = await throughOutage(
      new InfluxV1Writer({ sink: 'influx', url: server.url, database: 'lifeline', timeoutMs: 2000 }),
      server,
      count,
    );
    const values = (await server.query('lifeline', 'SELECT value FROM reading')).map((r) => r.value);
    assert.deepEqual(
      values,
      Array.from({ length: 250 }, (_, i) => i),
    );
    await until(
      'an empty outbox',
      async () => outbox?.view().stats.lanes.telemetry.depth,
      (d) => d === 0,
    );
  });

  it('a running gateway configured with influx: writes its readings and alarm events (site → simulator → gateway → InfluxDB)', async function () {
    this.timeout(30_000);
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-influx-site-'));
    await writeFile(
      join(dir, 'site.yaml'),
      `site: test-site
gateway: gw-test
http: { host: 127.0.0.1, port: 0 }
mqtt: { local: { enabled: false } }
telemetry: { batchIntervalMs: 50 }
influx: [{ url: "${server.url}", version: 1, database: lifeline }]
simulator: { http: { host: 127.0.0.1, port: 0 } }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
`,
    );
    const site = await startSite(join(dir, 'site.yaml'), { stateDir: join(dir, 'state') });
    try {
      await setPoint(site.urls.simulator, 'gas-1', 'lel1', 33.3);
      const rows = await until(
        'lel1 = 33.3 in InfluxDB',
        () =>
          server.query(
            'lifeline',
            `SELECT value, quality, unit FROM reading WHERE device='gas-1' AND point='lel1' AND value > 33 AND value < 34`,
          ),
        (r) => r.length > 0,
      );
      assert.deepEqual({ quality: rows[0]?.quality, unit: rows[0]?.unit }, { quality: 'good', unit: '%LEL' });
      assert.ok(Math.abs(Number(rows[0]?.value) - 33.3) < 1e-9);
      const tags = await server.query('lifeline', 'SHOW TAG VALUES FROM reading WITH KEY IN ("site", "gateway")');
      assert.deepEqual(tags.map((t) => `${t.key}=${t.value}`).sort(), ['gateway=gw-test', 'site=test-site']);

      // 60 %LEL is above the hihi limit (50): the raise lands in the alarm measurement, from the outbox's alarm lane.
      await setPoint(site.urls.simulator, 'gas-1', 'lel1', 60);
      const alarms = await until(
        'the hihi raise in InfluxDB',
        () => server.query('lifeline', `SELECT * FROM alarm WHERE device='gas-1' AND condition='hihi'`),
        (r) => r.some((row) => row.event === 'raise'),
      );
      const raise = alarms.find((row) => row.event === 'raise');
      assert.deepEqual(
        { state: raise?.state, priority: raise?.priority, value: raise?.value, limit: raise?.limit, gateway: raise?.gateway },
        { state: 'unacknowledged', priority: '1', value: 60, limit: 50, gateway: 'gw-test' },
      );
    } finally {
      await site.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unknown database is reported as rejected and nothing is lost meanwhile', async () => {
    const built = outboxWith('influx', new InfluxV1Writer({ sink: 'influx', url: server.url, database: 'nope', timeoutMs: 5000 }));
    outbox = built.outbox;
    outbox.start();
    enqueue(outbox, batches(0, 2));
    const health = await until(
      'a rejection',
      async () => built.sink.health(),
      (h) => h.lastError !== undefined,
    );
    assert.equal(health.lastError?.code, 'LL_ERR_INFLUX_REJECTED');
    assert.match(health.lastError?.message ?? '', /HTTP 404.*database not found/);
    assert.equal(outbox.view().stats.lanes.telemetry.depth, 2);
  });
});

describe('InfluxDB v2 write API sink (@influxdata/influxdb-client) against VictoriaMetrics', () => {
  let server: VictoriaMetricsServer;
  let outbox: Outbox | undefined;

  beforeEach(async function () {
    this.timeout(30_000);
    requireBinary(this, VICTORIA_METRICS, 'victoria-metrics');
    server = new VictoriaMetricsServer();
    await server.start();
  });

  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    await server?.dispose();
  });

  const v2 = () =>
    new InfluxV2Writer({ sink: 'influx', url: server.url, org: 'lifeline', bucket: 'lifeline', token: 'secret', timeoutMs: 2000 });
  const samples = async () => (await server.export('{__name__="reading_value"}')).reduce((n, s) => n + s.values.length, 0);

  it('writes every reading with its tags', async () => {
    const built = outboxWith('influx', v2());
    outbox = built.outbox;
    outbox.start();
    enqueue(outbox, batches(0, 3));
    await until('30 samples', samples, (n) => n === 30);
    const [series] = await server.export('{__name__="reading_value"}');
    const { site, gateway, device, point, unit } = series?.metric ?? {};
    assert.deepEqual(
      { site, gateway, device, point, unit },
      { site: 'test-site', gateway: 'gw-test', device: 'gas-1', point: 'lel1', unit: '%LEL' },
    );
    assert.equal(series?.timestamps[1], T0 + 1000);
  });

  it('server down, then back: every point arrives', async function () {
    this.timeout(30_000);
    outbox = await throughOutage(v2(), server, samples);
    const [series] = await server.export('{__name__="reading_value"}');
    assert.deepEqual(
      series?.values,
      Array.from({ length: 250 }, (_, i) => i),
    );
  });
});
