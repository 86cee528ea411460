import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { selectProtocol } from '../../../gateway/src/http/browser-safety.js';
import { auth, type Harness, harness, TOKENS } from './http-fake-view.js';

type Who = 'anonymous' | 'stranger' | 'viewer' | 'operator' | 'admin';

const headersOf = (who: Who): Record<string, string> =>
  who === 'anonymous' ? {} : who === 'stranger' ? { authorization: 'Bearer not-a-known-token-at-all' } : auth(who);

/** Every route, the least role it needs, and a valid request to it. */
const ROUTES: { route: InjectOptions; needs: 'open' | 'viewer' | 'operator' | 'admin' }[] = [
  { route: { method: 'GET', url: '/api/health' }, needs: 'open' },
  { route: { method: 'GET', url: '/api/whoami' }, needs: 'open' },
  { route: { method: 'GET', url: '/api/devices' }, needs: 'viewer' },
  { route: { method: 'GET', url: '/api/points' }, needs: 'viewer' },
  { route: { method: 'GET', url: '/api/points/gas-1/lel1/history' }, needs: 'viewer' },
  { route: { method: 'GET', url: '/api/alarms' }, needs: 'viewer' },
  { route: { method: 'GET', url: '/api/alarms/history' }, needs: 'viewer' },
  { route: { method: 'GET', url: '/api/limits' }, needs: 'viewer' },
  { route: { method: 'GET', url: '/metrics' }, needs: 'viewer' },
  { route: { method: 'POST', url: '/api/alarms/ack', payload: { alarmId: 'gas-1/lel1/hihi' } }, needs: 'operator' },
  { route: { method: 'POST', url: '/api/alarms/shelve', payload: { alarmId: 'gas-1/lel1/hihi', durationMs: 900_000 } }, needs: 'operator' },
  { route: { method: 'POST', url: '/api/alarms/unshelve', payload: { alarmId: 'gas-1/lel1/hihi' } }, needs: 'operator' },
  {
    route: { method: 'PUT', url: '/api/limits', payload: { changes: [{ device: 'gas-1', point: 'lel1', condition: 'hihi', value: 45 }] } },
    needs: 'admin',
  },
];

const RANK = { anonymous: 0, viewer: 1, operator: 2, admin: 3 } as const;

/** What a caller must get: anonymous may read (http.anonymous: viewer) but never write. */
function expected(who: Who, needs: (typeof ROUTES)[number]['needs'], anonymousReads: boolean): number {
  if (who === 'stranger') return 401;
  if (needs === 'open') return 200;
  const rank = who === 'anonymous' ? (anonymousReads ? 1 : 0) : RANK[who];
  if (rank >= RANK[needs]) return 200;
  return who === 'anonymous' ? 401 : 403;
}

for (const anonymous of ['viewer', 'none'] as const) {
  describe(`HTTP roles with http.anonymous: ${anonymous}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness({ anonymous, writeRateLimit: { max: 1000, windowMs: 60_000 } });
    });
    after(async () => h.app.close());

    for (const { route, needs } of ROUTES) {
      for (const who of ['anonymous', 'stranger', 'viewer', 'operator', 'admin'] as const) {
        const status = expected(who, needs, anonymous === 'viewer');
        it(`${route.method} ${route.url} as ${who} → ${status}`, async () => {
          const res = await h.app.inject({ ...route, headers: headersOf(who) });
          assert.equal(res.statusCode, status, res.body);
          if (status === 401) assert.equal(res.json().code, 'LL_ERR_HTTP_UNAUTHORIZED');
          if (status === 403) {
            assert.equal(res.json().code, 'LL_ERR_HTTP_FORBIDDEN');
            assert.match(res.json().message, new RegExp(`needs role ${needs}`));
          }
        });
      }
    }
  });
}

describe('HTTP identity', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => h.app.close());

  it('passes the token holder as the operator of an ack, with the comment', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/alarms/ack',
      headers: auth('operator'),
      payload: { alarmId: 'gas-1/lel1/hihi', comment: 'gas valve checked' },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { alarmId: 'gas-1/lel1/hihi', state: 'acknowledged' });
    assert.deepEqual(h.control.ack.firstCall.args, ['gas-1/lel1/hihi', { user: 'olga', comment: 'gas valve checked' }]);
  });

  it('tells the dashboard who a token belongs to', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/whoami', headers: auth('admin') });
    assert.deepEqual(res.json(), { user: 'adam', role: 'admin' });
    const anon = await h.app.inject({ method: 'GET', url: '/api/whoami' });
    assert.deepEqual(anon.json(), { user: 'anonymous', role: 'viewer' });
  });

  it('accepts the bearer scheme case-insensitively and refuses a near-miss token', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/api/whoami', headers: { authorization: `bearer ${TOKENS.operator}` } });
    assert.equal(ok.json().user, 'olga');
    const near = await h.app.inject({ method: 'GET', url: '/api/whoami', headers: { authorization: `Bearer ${TOKENS.operator}x` } });
    assert.equal(near.statusCode, 401);
  });

  it('does not take a ?token= outside the WebSocket route', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/whoami?token=${TOKENS.admin}` });
    assert.equal(res.json().role, 'viewer');
  });
});

describe('HTTP WebSocket access', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ anonymous: 'none', allowedOrigins: ['https://scada.example'] });
  });
  after(async () => h.app.close());

  const bearer = (token: string) => `lifeline.v1, lifeline.bearer.${Buffer.from(token).toString('base64url')}`;
  const upgrade = (headers: Record<string, string>) => ({ headers });

  it('needs a viewer token on /ws when reads need one, taken from a subprotocol, never from the URL', async () => {
    await assert.rejects(h.app.injectWS('/ws'), /Unexpected server response: 401/);
    await assert.rejects(h.app.injectWS('/ws', upgrade({ 'sec-websocket-protocol': bearer('not-a-known-token-at-all') })), /401/);
    await assert.rejects(h.app.injectWS(`/ws?token=${TOKENS.viewer}`), /401/, 'a token in the URL is not taken');
    const received: { type: string; site?: string }[] = [];
    const ws = await h.app.injectWS('/ws', upgrade({ 'sec-websocket-protocol': bearer(TOKENS.viewer) }), {
      onInit: (w) => w.on('message', (d) => received.push(JSON.parse(String(d)))),
    });
    try {
      await until(() => received.length >= 1);
      assert.deepEqual([received[0]?.type, received[0]?.site], ['snapshot', 'test-site']);
      h.bus.emit('comm', { device: 'gas-1', state: 'online' });
      await until(() => received.length >= 2);
      assert.deepEqual(received[1], { type: 'comm', device: 'gas-1', state: 'online' });
    } finally {
      ws.terminate();
    }
  });

  it('answers with lifeline.v1, never echoing the bearer entry', () => {
    assert.equal(selectProtocol(new Set(['lifeline.bearer.c2VjcmV0', 'lifeline.v1'])), 'lifeline.v1');
    assert.equal(selectProtocol(new Set(['lifeline.bearer.c2VjcmV0'])), false);
  });

  it('refuses a page of another origin (403), takes its own and the listed ones', async () => {
    const token = { 'sec-websocket-protocol': bearer(TOKENS.viewer) };
    await assert.rejects(
      h.app.injectWS('/ws', upgrade({ ...token, host: 'gw.local:8080', origin: 'https://evil.example' })),
      /Unexpected server response: 403/,
    );
    await assert.rejects(h.app.injectWS('/ws', upgrade({ ...token, host: 'gw.local:8080', origin: 'null' })), /403/);
    for (const origin of ['http://gw.local:8080', 'https://scada.example']) {
      const ws = await h.app.injectWS('/ws', upgrade({ ...token, host: 'gw.local:8080', origin }));
      ws.terminate();
    }
  });
});

describe('HTTP security headers', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => h.app.close());

  it('serves the dashboard with a CSP without inline code, never framed, not sniffed, no referrer', async () => {
    for (const url of ['/', '/assets/app.js']) {
      const res = await h.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/, url);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    }
    const api = await h.app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(api.headers['x-content-type-options'], 'nosniff');
  });

  it('the dashboard has no inline script or style for the CSP to block', async () => {
    const page = (await h.app.inject({ method: 'GET', url: '/' })).body;
    assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline <script>');
    assert.doesNotMatch(page, /<style\b|\sstyle=|\son[a-z]+=/i, 'an inline style or handler');
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
