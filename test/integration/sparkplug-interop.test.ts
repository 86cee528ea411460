import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningDemo } from '../../demo/src/demo.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { eventually } from '../support/durable-collector.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';
import { num, SparkplugHost, type SpMessage } from '../support/sparkplug-host.js';

const siteYaml = (url: string, primaryHost: boolean) => `
site: test-site
gateway: gw-test
http: { host: 127.0.0.1, port: 0 }
mqtt:
  local: { enabled: false }
  sparkplug:
    url: "${url}"
    ${primaryHost ? 'primaryHostId: scada' : ''}
    writes:
      - { device: gas-1, point: valve-close }
telemetry: { batchIntervalMs: 50, maxSilenceMs: 600000 }
simulator: { http: { host: 127.0.0.1, port: 0 } }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 300 }
    pollIntervalMs: 50
    points:
      lel1:
        limits:
          hihi: { offDelayMs: 100 }
          hi: { onDelayMs: 3600000 }
  - id: gas-2
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 2, timeoutMs: 300 }
    pollIntervalMs: 50
`;

const bdSeqOf = (m: SpMessage | undefined) => num(m?.payload.metrics?.find((x) => x.name === 'bdSeq')?.value);
const metric = (m: SpMessage | undefined, name: string) => m?.payload.metrics?.find((x) => x.name === name);
const simValue = async (site: RunningDemo, device: string, point: string) =>
  ((await (await fetch(`${site.urls.simulator}/devices/${device}/points/${point}`)).json()) as { value: unknown }).value;
const rejected = async (site: RunningDemo, reason: string) => {
  const text = await (await fetch(`${site.urls.dashboard}metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('lifeline_sink_rejected_total') && l.includes(`reason="${reason}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

/**
 * The gateway as a Sparkplug B edge node on a real Mosquitto, seen by a host
 * built on Eclipse Tahu's codec (test/support/sparkplug-host.ts), which checks
 * the session rules on every message it gets.
 */
describe('Sparkplug B edge node with a Tahu host (Mosquitto)', () => {
  let broker: MosquittoBroker;
  let dir: string;
  let host: SparkplugHost | undefined;
  let site: RunningDemo | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
    dir = await mkdtemp(join(tmpdir(), 'lifeline-sparkplug-'));
    host = await SparkplugHost.open(broker.url, 'test-site', 'gw-test');
  });

  afterEach(async () => {
    await site?.stop();
    site = undefined;
    await host?.close();
    await broker?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (primaryHost: boolean) => {
    await writeFile(join(dir, 'site.yaml'), siteYaml(broker.url, primaryHost));
    site = await startSite(join(dir, 'site.yaml'), { stateDir: join(dir, 'state') });
    return site;
  };

  it('births every point, reports by exception with source times, rebirths, writes by DCMD, and refuses bad commands', async function () {
    // Once in three clean-clone CI runs the DDATA of lel1 = 20 did not come within 10 s (not understood yet: issue 20's note); one retry from a fresh site.
    this.retries(1);
    this.timeout(30_000);
    const h = host as SparkplugHost;
    const s = await start(false);
    await eventually('NBIRTH and both DBIRTHs', () => h.of('DBIRTH').length >= 2);

    const nbirth = h.of('NBIRTH')[0];
    assert.equal(metric(nbirth, 'Node Control/Rebirth')?.value, false);
    assert.equal(metric(nbirth, 'Alarms/gas-1/lel1/hihi/State')?.value, 'normal');
    const dbirth = h.of('DBIRTH', 'gas-1')[0];
    const points = s.site.devices[0]?.points ?? [];
    assert.deepEqual(dbirth?.payload.metrics?.map((m) => m.name).sort(), points.map((p) => p.id).sort(), 'every point is a metric');
    const lel1 = metric(dbirth, 'lel1');
    assert.equal(lel1?.type, 'Double');
    assert.equal(lel1?.properties?.engUnit?.value, '%LEL');
    assert.equal(lel1?.properties?.engHigh?.value, 100);
    assert.equal(metric(dbirth, 'valve-close')?.type, 'Boolean');

    // By exception, timed at the sample: the DDATA's metric timestamp is the first reading of 20.
    let firstAt: number | undefined;
    s.gateway.events.on('readings', (rs) => {
      for (const r of rs) if (firstAt === undefined && r.device === 'gas-1' && r.point === 'lel1' && r.value === 20) firstAt = r.sourceTs;
    });
    await setPoint(s.urls.simulator, 'gas-1', 'lel1', 20);
    await eventually(
      'DDATA lel1 = 20',
      () => h.latest('gas-1', 'lel1')?.value === 20,
      10_000,
      () =>
        JSON.stringify({
          b: metric(dbirth, 'lel1'),
          d: h
            .of('DDATA', 'gas-1')
            .flatMap((m) => m.payload.metrics ?? [])
            .filter((x) => num(x.alias) < 5),
          live: s.gateway.live.readings().filter((r) => r.point === 'lel1'),
        }),
    );
    assert.equal(num(h.latest('gas-1', 'lel1')?.timestamp), firstAt);

    // An alarm reaches the host as node metrics.
    await setPoint(s.urls.simulator, 'gas-1', 'lel1', 80);
    const stateAlias = num(metric(nbirth, 'Alarms/gas-1/lel1/hihi/State')?.alias);
    await eventually('the hihi alarm as NDATA', () =>
      h.of('NDATA').some((m) => m.payload.metrics?.some((x) => num(x.alias) === stateAlias && x.value === 'unacknowledged')),
    );

    // NCMD Rebirth (encoded by Tahu): fresh births, seq 0, the same bdSeq.
    const births = h.of('NBIRTH').length;
    await h.ncmd({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] });
    await eventually('a fresh NBIRTH', () => h.of('NBIRTH').length === births + 1);
    assert.equal(bdSeqOf(h.of('NBIRTH').at(-1)), bdSeqOf(nbirth));
    assert.equal(
      metric(h.of('NBIRTH').at(-1), 'Alarms/gas-1/lel1/hihi/State')?.value,
      'unacknowledged',
      'births show the current alarm state',
    );

    // A DCMD to an allowed point goes through the device writer and is read back; the host sees the new value.
    await h.dcmd('gas-1', { timestamp: Date.now(), metrics: [{ name: 'valve-close', type: 'Boolean', value: true }] });
    await eventually('the simulated valve closed', async () => (await simValue(s, 'gas-1', 'valve-close')) === true);
    await eventually('DDATA valve-close = true', () => h.latest('gas-1', 'valve-close')?.value === true);

    // Refused and bad input: counted by reason, nothing written, the node stays connected.
    await h.dcmd('gas-1', { timestamp: Date.now(), metrics: [{ name: 'fan-start', type: 'Boolean', value: true }] });
    await h.dcmd('gas-1', { timestamp: Date.now(), metrics: [{ name: 'valve-close', type: 'String', value: 'yes' }] });
    await h.dcmd('gas-1', { timestamp: Date.now(), metrics: [{ name: 'no-such-point', type: 'Double', value: 1 }] });
    await h.dcmd('nope', { timestamp: Date.now(), metrics: [{ name: 'valve-close', type: 'Boolean', value: true }] });
    await h.ncmd(Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]));
    await h.ncmd({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Reboot', type: 'Boolean', value: true }] });
    for (const reason of ['not-allowed', 'wrong-datatype', 'unknown-target', 'malformed']) {
      await eventually(`a ${reason} rejection counted`, async () => (await rejected(s, reason)) >= 1);
    }
    assert.equal(await rejected(s, 'unknown-metric'), 2);
    assert.equal(await simValue(s, 'gas-1', 'fan-start'), false, 'a refused DCMD changes nothing');
    await h.ncmd({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] });
    await eventually('still answering after bad input', () => h.of('NBIRTH').length === births + 2);
    assert.deepEqual(h.of('NDEATH'), []);

    // Comm loss: DDEATH; the device answers again: DBIRTH.
    const fault = await fetch(`${s.urls.simulator}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'no-response', device: 'gas-2' }),
    });
    const { id } = (await fault.json()) as { id: string };
    await eventually('DDEATH gas-2', () => h.of('DDEATH', 'gas-2').length === 1, 15_000);
    const dbirths = h.of('DBIRTH', 'gas-2').length;
    await fetch(`${s.urls.simulator}/faults/${id}`, { method: 'DELETE' });
    await eventually('DBIRTH gas-2 again', () => h.of('DBIRTH', 'gas-2').length === dbirths + 1, 15_000);
    assert.deepEqual(h.violations, []);
  });

  it('waits for the primary host, replays an outage as historical (alarms first), and counts bdSeq across reconnects and restarts', async function () {
    this.timeout(40_000);
    const h = host as SparkplugHost;
    const s = await start(true);
    // Before the host is online: no birth; an alarm and readings wait in the outbox.
    await setPoint(s.urls.simulator, 'gas-1', 'lel1', 80);
    await eventually('the alarm committed', () => (s.gateway.delivery.outbox.view().stats.sinks.sparkplug?.alarm?.pending ?? 0) >= 1);
    assert.deepEqual(h.of('NBIRTH'), [], 'births wait for STATE online');

    await h.state(true);
    await eventually('births', () => h.of('DBIRTH').length >= 2);
    const first = bdSeqOf(h.of('NBIRTH')[0]);
    await eventually('the outage replayed', () =>
      h.messages.some((m) => m.verb === 'DDATA' && m.payload.metrics?.some((x) => x.isHistorical)),
    );
    const replay = h.messages.filter((m) => m.payload.metrics?.some((x) => x.isHistorical));
    assert.equal(replay[0]?.verb, 'NDATA', 'the alarm comes first');

    // The host goes offline: NDEATH, a new connection (bdSeq + 1) that waits; data meanwhile is kept.
    await h.state(false);
    await eventually('NDEATH', () => h.of('NDEATH').length === 1);
    assert.equal(bdSeqOf(h.of('NDEATH')[0]), first);
    await setPoint(s.urls.simulator, 'gas-1', 'lel1', 33);
    await eventually('the reading committed', () => (s.gateway.delivery.outbox.view().stats.sinks.sparkplug?.telemetry?.pending ?? 0) > 0);
    await h.state(true);
    await eventually('a second NBIRTH', () => h.of('NBIRTH').length === 2);
    assert.equal(bdSeqOf(h.of('NBIRTH')[1]), (first + 1) % 256);
    await eventually('33 replayed as historical', () =>
      h.of('DDATA', 'gas-1').some((m) => m.payload.metrics?.some((x) => x.value === 33 && x.isHistorical)),
    );

    // A restart goes on counting: bdSeq is kept in stateDir.
    await s.stop();
    site = undefined;
    await eventually('NDEATH on stop', () => h.of('NDEATH').length === 2);
    await start(true);
    await eventually('a third NBIRTH', () => h.of('NBIRTH').length === 3);
    assert.equal(bdSeqOf(h.of('NBIRTH')[2]), (first + 2) % 256);
    assert.deepEqual(h.violations, []);
  });
});
