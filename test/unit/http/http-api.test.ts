import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { applyEnvironment, ConfigError, isLifelineError, loadSiteConfig } from '../../../core/src/index.js';
import type { PollOutcome } from '../../../gateway/src/http/sources.js';
import { FIXTURES } from '../../support/fixtures.js';
import { auth, type Harness, harness, TOKENS, transition } from './http-fake-view.js';

const reading = (point: string, value: number | boolean, sourceTs: number, quality: 'good' | 'bad' = 'good') => ({
  device: 'gas-1',
  point,
  value,
  quality,
  sourceTs,
  rxTs: sourceTs,
});

describe('HTTP read API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => h.app.close());

  it('serves the latest value with unit and quality, and the trend history of a point', async () => {
    const now = Date.now();
    h.bus.emit('readings', [reading('lel1', 10, now - 2000), reading('fault', true, now - 2000)]);
    h.bus.emit('readings', [reading('lel1', 12.5, now - 1000), reading('fault', false, now - 1000)]);
    h.bus.emit('readings', [{ ...reading('lel1', 0, now, 'bad'), value: undefined, reason: 'timeout' }]);
    const points = (await h.app.inject({ url: '/api/points' })).json() as {
      point: string;
      value: unknown;
      unit: string;
      quality: string;
      reason?: string;
    }[];
    const lel1 = points.find((p) => p.point === 'lel1');
    assert.deepEqual([lel1?.value, lel1?.unit, lel1?.quality, lel1?.reason], [null, '%LEL', 'bad', 'timeout']);
    const history = (await h.app.inject({ url: '/api/points/gas-1/lel1/history?windowMs=60000' })).json();
    assert.deepEqual(history, {
      device: 'gas-1',
      point: 'lel1',
      unit: '%LEL',
      samples: [
        { ts: now - 2000, value: 10 },
        { ts: now - 1000, value: 12.5 },
      ],
    });
    const fault = (await h.app.inject({ url: `/api/points/gas-1/fault/history?sinceMs=${now - 1500}` })).json();
    assert.deepEqual(fault.samples, [{ ts: now - 1000, value: 0 }]);
  });

  it('404 for an unknown device or point and 400 for a bad window', async () => {
    assert.equal((await h.app.inject({ url: '/api/points/gas-9/lel1/history' })).json().code, 'LL_ERR_HTTP_NOT_FOUND');
    assert.equal((await h.app.inject({ url: '/api/points/gas-1/nope/history' })).statusCode, 404);
    const bad = await h.app.inject({ url: '/api/points/gas-1/lel1/history?windowMs=soon' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'windowMs');
    assert.equal((await h.app.inject({ url: '/api/points/gas-1/lel1/history?window=1' })).json().field, 'window');
  });

  it('lists devices with kind, transport and comm health', async () => {
    h.bus.emit('comm', { device: 'gas-1', state: 'offline', reason: 'connect ECONNREFUSED' });
    const [device] = (await h.app.inject({ url: '/api/devices' })).json();
    assert.equal(device.kind, 'combustible-gas-detector');
    assert.equal(device.transport.kind, 'modbus-tcp');
    assert.deepEqual(device.comm, { state: 'offline', reason: 'connect ECONNREFUSED' });
  });

  it('answers 503 for the twin and outbox until they are wired', async () => {
    for (const url of ['/api/twin', '/api/outbox']) {
      const res = await h.app.inject({ url });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().code, 'LL_ERR_HTTP_UNAVAILABLE');
    }
  });

  it('serves the OpenAPI document and Swagger UI at /docs, from local assets', async () => {
    const doc = (await h.app.inject({ url: '/docs/json' })).json();
    assert.equal(doc.openapi, '3.0.3');
    for (const path of [
      '/api/health',
      '/api/points',
      '/api/points/{device}/{point}/history',
      '/api/alarms/ack',
      '/api/alarms/shelve',
      '/api/limits',
      '/metrics',
    ]) {
      assert.ok(doc.paths[path], `${path} in the OpenAPI document`);
    }
    assert.deepEqual(doc.paths['/api/alarms/shelve'].post.requestBody.content['application/json'].schema.required, [
      'alarmId',
      'durationMs',
    ]);
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    assert.equal(doc.paths['/ws'], undefined, 'the WebSocket is documented in docs/http-api.md, not as a GET');
    const ui = await h.app.inject({ url: '/docs' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /Swagger UI/);
    assert.doesNotMatch(ui.body, /src="https?:|href="https?:/, 'no CDN: every asset is served by the gateway');
    const script = /src="\.?\/?([^"]+\.js)"/.exec(ui.body)?.[1] as string;
    assert.equal((await h.app.inject({ url: `/docs/${script.replace(/^docs\//, '')}` })).statusCode, 200, script);
  });
});

describe('HTTP /metrics', () => {
  it('exposes readings, alarms by state, uplinks, devices, event-loop delay and process metrics', async () => {
    const h = await harness({ anonymous: 'none' });
    try {
      h.bus.emit('readings', [reading('lel1', 10, Date.now()), reading('lel2', 1, Date.now())]);
      h.bus.emit('readings', [reading('lel1', 11, Date.now())]);
      h.bus.emit('comm', { device: 'gas-1', state: 'online' });
      h.alarms.push(transition(), transition({ alarmId: 'gas-1/lel2/hihi', point: 'lel2', state: 'acknowledged' }));
      const res = await h.app.inject({ url: '/metrics', headers: auth('viewer') });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /text\/plain/);
      const text = res.body;
      const has = (line: RegExp) => assert.match(text, line);
      // Per device and quality (one series, not one per point): lel1 twice and lel2 once.
      has(/^lifeline_readings_total\{device="gas-1",quality="good",site="test-site",gateway="gw-test"\} 3$/m);
      assert.doesNotMatch(text, /lifeline_readings_total\{[^}]*point=/);
      has(/^lifeline_alarms\{state="unacknowledged",priority="1",site="test-site",gateway="gw-test"\} 1$/m);
      has(/^lifeline_alarms\{state="acknowledged",priority="1",.*\} 1$/m);
      has(/^lifeline_alarms\{state="shelved",priority="2",.*\} 0$/m);
      has(/^lifeline_uplink_connected\{uplink="local",.*\} 1$/m);
      has(/^lifeline_uplink_connected\{uplink="centre",.*\} 0$/m);
      has(/^lifeline_device_online\{device="gas-1",site=.*\} 1$/m);
      has(/^lifeline_device_state\{device="gas-1",state="online",.*\} 1$/m);
      has(/^lifeline_device_state\{device="gas-1",state="offline",.*\} 0$/m);
      has(/^lifeline_nodejs_eventloop_lag_p99_seconds\{/m);
      has(/^lifeline_process_resident_memory_bytes\{/m);
      assert.doesNotMatch(text, /lifeline_outbox_depth|lifeline_poll_requests_total/, 'absent sources add no metrics');
    } finally {
      await h.app.close();
    }
  });

  it('takes outbox depth and poll outcomes from their sources', async () => {
    const listeners: ((o: PollOutcome) => void)[] = [];
    const h = await harness(
      {},
      {
        outbox: { stats: () => ({ lanes: { alarm: { depth: 0 }, twin: { depth: 1 }, telemetry: { depth: 250 } } }) },
        acquisition: {
          subscribe: (l) => {
            listeners.push(l);
            return () => listeners.splice(listeners.indexOf(l), 1);
          },
        },
      },
    );
    try {
      for (const l of listeners) {
        l({ device: 'gas-1', ok: true, timedOut: false, latencyMs: 7 });
        l({ device: 'gas-1', ok: false, timedOut: true, latencyMs: 500 });
        l({ device: 'gas-1', ok: false, timedOut: true, late: true, latencyMs: 20 });
      }
      const text = (await h.app.inject({ url: '/metrics' })).body;
      assert.match(text, /^lifeline_outbox_depth\{lane="telemetry",.*\} 250$/m);
      assert.match(text, /^lifeline_poll_requests_total\{device="gas-1",outcome="ok",.*\} 1$/m);
      assert.match(text, /^lifeline_poll_requests_total\{device="gas-1",outcome="timeout",.*\} 1$/m);
      assert.match(
        text,
        /^lifeline_poll_requests_total\{device="gas-1",outcome="late",.*\} 1$/m,
        'a cut-short request is late, not a timeout',
      );
      assert.match(text, /^lifeline_poll_request_duration_seconds_bucket\{le="0.01",.*device="gas-1".*\} 1$/m);
      assert.match(text, /^lifeline_poll_request_duration_seconds_count\{.*device="gas-1".*\} 1$/m, 'only successful requests are timed');
      assert.deepEqual((await h.app.inject({ url: '/api/outbox' })).json().lanes.telemetry, { depth: 250 });
    } finally {
      await h.app.close();
    }
    assert.equal(listeners.length, 0, 'closing the app unsubscribes');
  });
});

describe('HTTP secrets', () => {
  it('never writes a token to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const h = await harness({}, {}, pino({ level: 'trace' }, sink));
    try {
      await h.app.inject({ url: `/api/points?token=${TOKENS.admin}`, headers: auth('operator') });
      await h.app.inject({ url: `/ws?token=${TOKENS.viewer}` });
      await h.app.inject({ method: 'POST', url: '/api/alarms/ack', headers: auth('operator'), payload: { alarmId: 'gas-1/lel1/hihi' } });
      assert.ok(lines.length > 3, 'requests were logged');
      const all = lines.join('');
      for (const token of Object.values(TOKENS)) assert.ok(!all.includes(token), `token ${token.slice(0, 6)}… leaked into the log`);
      assert.match(all, /token=\[redacted\]/);
      assert.match(all, /"user":"olga"/, 'commands are logged with the user');
    } finally {
      await h.app.close();
    }
  });

  it('adds tokens from LIFELINE_*_TOKEN and refuses a short one without echoing it', async () => {
    const h = await harness();
    try {
      const config = applyEnvironment(h.view.config, { LIFELINE_OPERATOR_TOKEN: 'from-the-environment-123' });
      assert.deepEqual(config.http.tokens.at(-1), { user: 'env-operator', role: 'operator', token: 'from-the-environment-123' });
      assert.throws(
        () => applyEnvironment(h.view.config, { LIFELINE_ADMIN_TOKEN: 'short-secret' }),
        (e: unknown) =>
          isLifelineError(e, 'LL_ERR_CONFIG_ENV') && e.message.includes('LIFELINE_ADMIN_TOKEN') && !e.message.includes('short-secret'),
      );
    } finally {
      await h.app.close();
    }
  });
});

describe('HTTP config keys', () => {
  const write = async (http: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-http-'));
    const file = join(dir, 'site.yaml');
    const site = await readFile(join(FIXTURES, 'gas-site.yaml'), 'utf8');
    await writeFile(file, site.replace(/^http: .*$/m, http));
    return file;
  };
  const issuesOf = async (file: string) => {
    try {
      await loadSiteConfig(file);
    } catch (e) {
      if (e instanceof ConfigError) return e.report();
      throw e;
    }
    return '';
  };

  it('loads tokens, anonymous access, the write rate limit and history size, with defaults', async () => {
    const file = await write(
      'http:\n  port: 0\n  anonymous: none\n  tokens:\n    - { user: olga, role: operator, token: "0123456789abcdef" }\n  writeRateLimit: { max: 5 }\n  historyPerPoint: 100',
    );
    const config = await loadSiteConfig(file);
    assert.deepEqual(config.http, {
      host: '127.0.0.1',
      port: 0,
      allowInsecure: false,
      allowedOrigins: [],
      tokens: [{ user: 'olga', role: 'operator', token: '0123456789abcdef' }],
      anonymous: 'none',
      writeRateLimit: { max: 5, windowMs: 60_000 },
      historyPerPoint: 100,
      maxBodyBytes: 65_536,
      live: { maxClients: 64, maxBufferedBytes: 1_048_576 },
    });
    const defaults = await loadSiteConfig(await write('http: { port: 0 }'));
    assert.deepEqual([defaults.http.tokens, defaults.http.anonymous, defaults.http.historyPerPoint], [[], 'viewer', 120]);
  });

  it('refuses a short token, an unknown role and a shared token, at their lines, without echoing secrets', async () => {
    const schema = await issuesOf(
      await write(
        'http:\n  tokens:\n    - { user: a, role: operator, token: "short" }\n    - { user: b, role: root, token: "0123456789abcdef" }',
      ),
    );
    assert.match(schema, /site\.yaml:6:\d+: http\.tokens\[0\]\.token: must NOT have fewer than 16 characters/);
    assert.match(schema, /site\.yaml:7:\d+: http\.tokens\[1\]\.role: "root" is not one of/);
    const shared = await issuesOf(
      await write(
        'http:\n  tokens:\n    - { user: c, role: viewer, token: "shared-secret-0123" }\n    - { user: d, role: admin, token: "shared-secret-0123" }',
      ),
    );
    assert.match(shared, /site\.yaml:7:\d+: http\.tokens\[1\]\.token: the same token as http\.tokens\[0\]/);
    assert.ok(!shared.includes('shared-secret-0123'), 'the report does not echo a token');
  });
});
