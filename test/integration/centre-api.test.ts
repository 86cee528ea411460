import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CommandResult, TwinDesiredResult } from '@lifeline/twin';
import { type GatewaySummary, type RunningCentre, startCentre } from '@lifeline/twin/centre';
import { Ajv } from 'ajv';
import { pino } from 'pino';
import WebSocket from 'ws';
import { ErrorBodySchema } from '../../core/src/index.js';
import type { RunningDemo } from '../../demo/src/demo.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { FIXTURES } from '../support/fixtures.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';
import { memoryOf, waitUntil } from '../support/twin-link.js';

const TOKEN = 'centre-secret';

describe('integration: centre mirror HTTP API and WebSocket feed', () => {
  let broker: MosquittoBroker;
  let centre: RunningCentre;
  let site: RunningDemo;

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
    centre = await startCentre({ brokerUrl: broker.url, httpHost: '127.0.0.1', httpPort: 0, log: pino({ level: 'silent' }), token: TOKEN });
    site = await startSite(join(FIXTURES, 'gas-site.yaml'), { centreUrl: broker.url });
    await waitUntil(() => memoryOf(centre)?.twinNow('test-site', 'gw-test')?.reported !== undefined, 8000, 'the first twin');
  });

  after(async () => {
    await site?.stop();
    await centre?.stop();
    await broker?.stop();
  });

  const post = (path: string, body: unknown, token = TOKEN) =>
    fetch(`${centre.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${centre.url}${path}`)).json()) as T;

  it('lists twins and serves one twin; an unknown gateway is a coded 404', async () => {
    const list = await get<GatewaySummary[]>('/api/twins');
    assert.deepEqual(
      list.map((g) => [g.site, g.gateway, g.online, g.bootId]),
      [['test-site', 'gw-test', true, site.gateway.bootId]],
    );
    const twin = await get<{ reported: { devices: Record<string, unknown>; limits: Record<string, unknown> } }>(
      '/api/twins/test-site/gw-test',
    );
    assert.ok(twin.reported.devices['gas-1']);
    assert.ok(twin.reported.limits['gas-1/lel1/hihi']);
    const missing = await fetch(`${centre.url}/api/twins/test-site/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'LL_ERR_CENTRE_UNKNOWN_GATEWAY');
  });

  it('shows a raised alarm in the active list across sites', async () => {
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 70);
    await waitUntil(
      async () => (await get<{ alarmId: string }[]>('/api/alarms')).some((a) => a.alarmId === 'gas-1/lel1/hihi'),
      8000,
      'the hihi alarm in /api/alarms',
    );
    const [first] = await get<{ site: string; gateway: string; priority: number; state: string }[]>('/api/alarms');
    assert.deepEqual([first?.site, first?.gateway, first?.priority, first?.state], ['test-site', 'gw-test', 1, 'unacknowledged']);
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 0);
  });

  it('rejects malformed and unauthorised desired changes with every reason, and changes nothing', async () => {
    const before = await get<{ version: number; reported: { limitsVersion: string; limits: Record<string, { value: number }> } }>(
      '/api/twins/test-site/gw-test',
    );
    const malformed = await post('/api/twins/test-site/gw-test/desired', {
      by: { user: 'ops' },
      limits: { 'gas-1/lel1/hihi': { value: 'x' } },
    });
    assert.equal(malformed.status, 422);
    const m = (await malformed.json()) as TwinDesiredResult;
    assert.equal(m.status, 'rejected');
    assert.ok(
      m.reasons.some((r) => r.code === 'LL_ERR_TWIN_DESIRED_INVALID' && r.path === '/limits/gas-1~1lel1~1hihi/value'),
      JSON.stringify(m.reasons),
    );

    // gas-site.yaml grants nothing: by default nobody may change limits.
    const unauthorised = await post('/api/twins/test-site/gw-test/desired', {
      by: { user: 'intruder' },
      ifLimitsVersion: before.reported.limitsVersion,
      limits: { 'gas-1/lel1/hihi': { value: 99 } },
    });
    assert.equal(unauthorised.status, 422);
    const u = (await unauthorised.json()) as TwinDesiredResult;
    assert.ok(
      u.reasons.some((r) => r.code === 'LL_ERR_TWIN_UNAUTHORISED' && r.path === '/limits/gas-1~1lel1~1hihi'),
      JSON.stringify(u.reasons),
    );
    assert.equal(u.limitsVersion, before.reported.limitsVersion);

    const after = await get<{ reported: { limitsVersion: string; limits: Record<string, { value: number }> } }>(
      '/api/twins/test-site/gw-test',
    );
    assert.equal(after.reported.limitsVersion, before.reported.limitsVersion);
    assert.equal(after.reported.limits['gas-1/lel1/hihi']?.value, before.reported.limits['gas-1/lel1/hihi']?.value);
  });

  it('sends commands and returns the gateway answer; writing needs the token', async () => {
    const noToken = await post('/api/twins/test-site/gw-test/ack', { alarmId: 'gas-1/lel1/hihi', by: { user: 'ops' } }, '');
    assert.equal(noToken.status, 401);
    const bad = await post('/api/twins/test-site/gw-test/ack', { alarmId: 'not an alarm' });
    assert.equal(bad.status, 422);
    const b = (await bad.json()) as CommandResult;
    assert.equal(b.code, 'LL_ERR_TWIN_COMMAND_INVALID');
    const resync = await post('/api/twins/test-site/gw-test/resync', {});
    assert.equal(resync.status, 200);
    const r = (await resync.json()) as CommandResult;
    assert.equal(r.ok, true);
    assert.equal(r.bootId, site.gateway.bootId);
  });

  it('streams hello, then twin changes, over the WebSocket feed', async () => {
    const ws = new WebSocket(`${centre.url.replace('http', 'ws')}/ws`);
    const messages: { type: string; site?: string }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    try {
      await waitUntil(() => messages.some((m) => m.type === 'hello'), 5000, 'hello');
      await setPoint(site.urls.simulator, 'gas-1', 'lel3', 3.5);
      await waitUntil(() => messages.some((m) => m.type === 'twin' && m.site === 'test-site'), 5000, 'a twin event');
    } finally {
      ws.close();
    }
  });

  it('answers errors in the one body of gateway, simulator and centre', async () => {
    const ajv = new Ajv({ strict: false });
    const valid = ajv.compile({ ...ErrorBodySchema, additionalProperties: true });
    const answers = await Promise.all([
      fetch(`${centre.url}/api/twins/test-site/nope`),
      fetch(`${site.urls.simulator}/devices/nope`),
      fetch(`${site.urls.simulator}/no/such/route`),
      fetch(`${centre.url}/no/such/route`),
      fetch(`${site.urls.dashboard}api/no/such/route`),
    ]);
    for (const res of answers) {
      const body = (await res.json()) as { statusCode?: number };
      assert.ok(valid(body), `${res.url}: ${JSON.stringify(body)} ${ajv.errorsText(valid.errors)}`);
      assert.equal(body.statusCode, res.status, `${res.url}: the body carries its own status`);
    }
    assert.deepEqual(
      answers.map((r) => r.status),
      [404, 404, 404, 404, 404],
    );
  });
});
