import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { validate } from '@readme/openapi-parser';
import { type Harness, harness, TOKENS } from './http-fake-view.js';

type Operation = {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>> };

/** The operations of the document, as `METHOD /path` with the fastify path (`{device}` → `:device`). */
function operations(doc: Document): { key: string; method: string; url: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      url: path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === 'device' ? 'gas-1' : 'lel1')),
      op,
    })),
  );
}

describe('HTTP: the OpenAPI document of a running gateway', () => {
  let h: Harness;
  let base: string;
  let doc: Document;

  beforeEach(async () => {
    h = await harness();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    doc = (await (await fetch(`${base}/docs/json`)).json()) as Document;
  });
  afterEach(async () => h.app.close());

  it('is a valid OpenAPI document (@readme/openapi-parser)', async () => {
    const result = await validate(structuredClone(doc) as never);
    assert.equal(result.valid, true, JSON.stringify(result, null, 2));
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    assert.ok(ids.length >= 14, `only ${ids.length} operations`);
    assert.deepEqual(
      ids.filter((id) => id === undefined || id === ''),
      [],
    );
    assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.join(', ')}`);
  });

  it('declares 401 everywhere, 403 on operator and admin routes, 429 on rate-limited writes, with the error body', () => {
    const ops = new Map(operations(doc).map((o) => [o.key, o.op]));
    for (const [key, op] of ops) {
      assert.ok(op.responses['401'], `${key} lacks 401`);
      assert.ok(op.responses['500'], `${key} lacks 500`);
      const schema = JSON.stringify(Object.values(op.responses['401']?.content ?? {}).map((c) => c.schema));
      assert.match(schema, /LL_ERR_HTTP_|ErrorBody/, `${key}: 401 is not the error body`);
    }
    for (const key of ['POST /api/alarms/ack', 'POST /api/alarms/shelve', 'POST /api/alarms/unshelve', 'PUT /api/limits']) {
      const op = ops.get(key);
      assert.ok(op, `${key} is not in the document`);
      for (const status of ['400', '403', '413', '415', '429', '503']) assert.ok(op.responses[status], `${key} lacks ${status}`);
    }
    for (const key of ['POST /api/alarms/ack', 'GET /api/points/{device}/{point}/history']) assert.ok(ops.get(key)?.responses['404'], key);
    assert.ok(ops.get('POST /api/alarms/ack')?.responses['409']);
    assert.equal(ops.get('GET /api/points')?.responses['403'], undefined, 'a viewer route cannot answer 403');
  });

  it('answers an unknown token with 401 on every operation, as declared', async () => {
    for (const o of operations(doc)) {
      const res = await fetch(`${base}${o.url}`, { method: o.method, headers: { authorization: 'Bearer not-a-known-token-at-all' } });
      assert.equal(res.status, 401, o.key);
      assert.equal(((await res.json()) as { code: string }).code, 'LL_ERR_HTTP_UNAUTHORIZED', o.key);
    }
  });

  it('answers 403, 415 and 413 on a write route, as declared', async () => {
    const ack = `${base}/api/alarms/ack`;
    const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const body = JSON.stringify({ alarmId: 'gas-1/lel1/hihi' });
    assert.equal((await fetch(ack, { method: 'POST', headers: json(TOKENS.viewer), body })).status, 403);
    // fastify parses JSON and text/plain; anything else has no parser.
    const xml = { authorization: `Bearer ${TOKENS.operator}`, 'content-type': 'application/xml' };
    assert.equal((await fetch(ack, { method: 'POST', headers: xml, body: '<ack/>' })).status, 415);
    const huge = JSON.stringify({ alarmId: 'gas-1/lel1/hihi', comment: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal((await fetch(ack, { method: 'POST', headers: json(TOKENS.operator), body: huge })).status, 413);
    // http.maxBodyBytes (64 KiB by default), not fastify's 1 MiB: a 100 KiB body is refused unparsed.
    const big = JSON.stringify({ alarmId: 'gas-1/lel1/hihi', comment: 'x'.repeat(100 * 1024) });
    const refused = await fetch(ack, { method: 'POST', headers: json(TOKENS.operator), body: big });
    assert.equal(refused.status, 413);
    assert.match(JSON.stringify(await refused.json()), /LL_ERR_HTTP_BAD_REQUEST|too large/i);
  });
});

describe('HTTP: the Swagger UI at /docs, built when first opened', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => h.app.close());

  it('serves the UI page and its assets through the gateway, and the same document twice', async () => {
    const page = await h.app.inject({ url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /swagger-ui/);
    const css = await h.app.inject({ url: '/docs/static/swagger-ui.css' });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /text\/css/);
    const first = (await h.app.inject({ url: '/docs/json' })).json() as Document;
    const second = (await h.app.inject({ url: '/docs/json' })).json() as Document;
    assert.ok(first.paths['/api/points'], 'the document lists the gateway routes');
    assert.equal(first.paths['/docs'], undefined, 'the forwarding routes stay out of the document');
    assert.deepEqual(second, first);
  });

  it('answers an unknown path under /docs with 404', async () => {
    assert.equal((await h.app.inject({ url: '/docs/no-such-asset.js' })).statusCode, 404);
  });
});
