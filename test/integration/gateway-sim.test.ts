import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { RunningDemo } from '../../demo/src/demo.js';
import { FIXTURES } from '../support/fixtures.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { setPoint, startSite } from '../support/site-harness.js';

interface AlarmPayload {
  event: string;
  alarmId: string;
  seq: number;
  state: string;
}

describe('gateway polling the firmware simulator over Modbus TCP', () => {
  let site: RunningDemo;
  let local: MqttCollector;

  beforeEach(async () => {
    site = await startSite(join(FIXTURES, 'gas-site.yaml'));
    local = await MqttCollector.open(site.urls.mqtt as string, 'lifeline/v1/#');
  });

  afterEach(async () => {
    await local?.close();
    await site?.stop();
  });

  const alarms = () => local.messages.filter((m) => m.topic.endsWith('/alarms')).map((m) => m.payload as AlarmPayload);

  it('decodes live values into /api/points', async () => {
    await setPoint(site.urls.simulator, 'gas-1', 'lel3', 12.3);
    await setPoint(site.urls.simulator, 'gas-1', 'fault', true);
    const deadline = Date.now() + 5000;
    let points: { point: string; value: unknown; quality: string }[] = [];
    while (Date.now() < deadline) {
      points = (await (await fetch(`${site.urls.dashboard}api/points`)).json()) as typeof points;
      if (points.find((p) => p.point === 'lel3')?.value === 12.3 && points.find((p) => p.point === 'fault')?.value === true) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const lel3 = points.find((p) => p.point === 'lel3');
    assert.equal(lel3?.value, 12.3);
    assert.equal(lel3?.quality, 'good');
    assert.equal(points.find((p) => p.point === 'status')?.value, 4, 'fault is bit 2 of the status word');
  });

  it('a bus listener that throws breaks neither the alarm path nor the other subscribers', async () => {
    const bus = site.gateway.events;
    const fail = () => {
      throw new Error('a broken subscriber');
    };
    const seen: string[] = [];
    const off = [bus.on('readings', fail), bus.on('alarm', fail), bus.on('alarm', (e) => seen.push(`${e.alarmId}:${e.event}`))];
    try {
      await setPoint(site.urls.simulator, 'gas-1', 'lel1', 55);
      await local.waitFor((m) => (m.payload as AlarmPayload).alarmId === 'gas-1/lel1/hihi', 5000, 'the hihi raise');
      // The alarm reached the broker (above), a listener after the broken one ran, and so did the
      // gateway's own subscribers: the live state and the journal.
      assert.ok(seen.includes('gas-1/lel1/hihi:raise'));
      assert.ok(site.gateway.live.readings().some((r) => r.point === 'lel1' && r.value === 55));
      const journal = (await (await fetch(`${site.urls.dashboard}api/alarms/history?alarmId=gas-1/lel1/hihi`)).json()) as AlarmPayload[];
      assert.equal(journal[0]?.event, 'raise');
      assert.equal(typeof journal[0]?.seq, 'number', 'journalled as published');
    } finally {
      for (const stop of off) stop();
    }
  });

  it('publishes raise and clear on the local broker with a growing seq', async () => {
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 55);
    await local.waitFor((m) => (m.payload as AlarmPayload).alarmId === 'gas-1/lel1/hihi', 5000, 'the hihi raise');
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 0);
    await local.waitFor(
      (m) => (m.payload as AlarmPayload).event === 'clear' && (m.payload as AlarmPayload).alarmId === 'gas-1/lel1/hihi',
      5000,
      'the hihi clear',
    );
    const hihi = alarms().filter((a) => a.alarmId === 'gas-1/lel1/hihi');
    assert.deepEqual(
      hihi.map((a) => [a.event, a.state]),
      [
        ['raise', 'unacknowledged'],
        ['clear', 'returned-unacknowledged'],
      ],
    );
    const seqs = alarms().map((a) => a.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(new Set(seqs).size, seqs.length);
  });

  it('retains an online status on the local broker', async () => {
    const status = await local.waitFor((m) => m.topic.endsWith('/status'), 5000, 'status');
    assert.equal((status.payload as { online: boolean }).online, true);
    assert.equal(status.topic, 'lifeline/v1/test-site/gw-test/status');
  });

  it('streams a snapshot then live alarms over the dashboard WebSocket', async () => {
    const ws = new WebSocket(`${site.urls.dashboard.replace('http', 'ws')}ws`);
    const messages: { type: string; event?: AlarmPayload }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      await setPoint(site.urls.simulator, 'gas-1', 'lel2', 70);
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !messages.some((m) => m.type === 'alarm' && m.event?.alarmId === 'gas-1/lel2/hihi')) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(messages[0]?.type, 'snapshot');
      assert.ok(messages.some((m) => m.type === 'readings'));
      assert.ok(
        messages.some((m) => m.type === 'alarm' && m.event?.alarmId === 'gas-1/lel2/hihi'),
        'alarm over WebSocket',
      );
    } finally {
      ws.close();
    }
  });

  it('serves the dashboard page and its assets', async () => {
    const page = await fetch(site.urls.dashboard);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="\/assets\/app.js">/);
    const js = await fetch(`${site.urls.dashboard}assets/app.js`);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
  });
});
