import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMAND_NAMES } from '@lifeline/twin';
import { buildCentreHttp, MemoryCentreStore, MirrorService } from '@lifeline/twin/centre';
import { validate } from '@readme/openapi-parser';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { REPO_ROOT } from '../../support/fixtures.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> };

/** The centre's own routes besides those docs/centre.md's API table lists (`/ws` is a WebSocket, described in the document's text). */
const BASE_ROUTES = [
  'get /api/health',
  'get /api/twins',
  'get /api/twins/{site}/{gateway}',
  'get /api/alarms',
  'post /api/twins/{site}/{gateway}/desired',
  ...COMMAND_NAMES.map((n) => `post /api/twins/{site}/{gateway}/${n}`),
];

/** `| \`GET /api/journal?site&…\` |` rows of docs/centre.md's "API additions" table, as `get /api/journal`. */
async function documentedRoutes(): Promise<string[]> {
  const doc = await readFile(join(REPO_ROOT, 'docs/centre.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## API additions'), doc.indexOf('## Deployment'));
  return [...table.matchAll(/^\| `(GET|POST) ([^`?]+)[^`]*`/gm)].map((m) => `${m[1]?.toLowerCase()} ${m[2]}`);
}

describe('centre: the OpenAPI document', () => {
  let app: FastifyInstance;
  let doc: Doc;

  before(async () => {
    const log = pino({ level: 'silent' });
    const service = new MirrorService({ brokerUrl: 'mqtt://127.0.0.1:1', log, store: new MemoryCentreStore() });
    app = await buildCentreHttp(service, { log });
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    doc = res.json() as Doc;
  });
  after(() => app?.close());

  it('is a valid OpenAPI 3.1 document, every operation named', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await validate(structuredClone(doc) as never);
    assert.equal(result.valid, true, JSON.stringify(result));
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) assert.ok(op.operationId, `${method} ${path} has no operationId`);
  });

  it('holds every route of the API and of docs/centre.md, and nothing the centre does not serve', async () => {
    const inDoc = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const documented = await documentedRoutes();
    assert.ok(documented.length >= 5, `docs/centre.md lists ${documented.length} routes`);
    for (const route of [...BASE_ROUTES, ...documented]) assert.ok(inDoc.includes(route), `${route} missing from the OpenAPI document`);
    for (const route of inDoc) {
      const [method, path] = route.split(' ') as [string, string];
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      assert.ok(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${route} is in the document but not served`);
    }
  });
});
