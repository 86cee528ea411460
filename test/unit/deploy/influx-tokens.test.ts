import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../support/fixtures.js';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'deploy/influxdb/issue-tokens.mjs');
const ADMIN = 'operator-token-of-the-setup-0123456789';

interface Authorization {
  id: string;
  token: string;
  description: string;
  status: string;
  orgID: string;
  permissions: { action: string; resource: { type: string; id?: string; orgID?: string } }[];
}

/**
 * The slice of the InfluxDB 2 API (/api/v2/orgs, buckets, authorizations)
 * that deploy/influxdb/issue-tokens.mjs uses, with InfluxDB's rule that the
 * server mints the token string. No InfluxDB 2 server is packaged for the
 * test machines, so this double stands in for it.
 */
function fakeInflux(): Promise<{ server: Server; url: string; auths: Authorization[] }> {
  const auths: Authorization[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Token ${ADMIN}`) return reply(401, { code: 'unauthorized', message: 'unauthorized access' });
    if (url.pathname === '/api/v2/orgs')
      return reply(200, { orgs: url.searchParams.get('org') === 'lifeline' ? [{ id: 'org1', name: 'lifeline' }] : [] });
    if (url.pathname === '/api/v2/buckets')
      return reply(200, {
        buckets: url.searchParams.get('name') === 'lifeline' && url.searchParams.get('orgID') === 'org1' ? [{ id: 'bkt1' }] : [],
      });
    if (url.pathname === '/api/v2/authorizations' && req.method === 'GET')
      return reply(200, { authorizations: auths.filter((a) => a.orgID === url.searchParams.get('orgID')) });
    if (url.pathname === '/api/v2/authorizations' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        const a = JSON.parse(body) as Omit<Authorization, 'id' | 'token'>;
        const created = { ...a, id: `auth${auths.length + 1}`, token: `minted-token-${auths.length + 1}` };
        auths.push(created);
        reply(201, created);
      });
      return;
    }
    reply(404, { code: 'not found' });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auths })),
  );
}

describe('deploy/influxdb/issue-tokens.mjs (the compose influx-tokens job)', () => {
  let dir: string;
  let influx: Awaited<ReturnType<typeof fakeInflux>>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-influx-tokens-'));
    await writeFile(join(dir, 'admin'), `${ADMIN}\n`);
    influx = await fakeInflux();
  });
  afterEach(async () => {
    influx.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const issue = (admin = join(dir, 'admin')) =>
    run(process.execPath, [SCRIPT], {
      env: {
        PATH: process.env.PATH,
        INFLUX_URL: influx.url,
        INFLUX_ORG: 'lifeline',
        INFLUX_BUCKET: 'lifeline',
        INFLUX_ADMIN_TOKEN_FILE: admin,
        WRITE_TOKEN_FILE: join(dir, 'write-token'),
        READ_TOKEN_FILE: join(dir, 'read-token'),
      },
    });

  it('issues a write-only token and a read-only token for the one bucket, each in its own file', async () => {
    await issue();
    assert.deepEqual(
      influx.auths.map((a) => a.permissions),
      [
        [{ action: 'write', resource: { type: 'buckets', id: 'bkt1', orgID: 'org1' } }],
        [{ action: 'read', resource: { type: 'buckets', id: 'bkt1', orgID: 'org1' } }],
      ],
    );
    assert.equal(await readFile(join(dir, 'write-token'), 'utf8'), 'minted-token-1');
    assert.equal(await readFile(join(dir, 'read-token'), 'utf8'), 'minted-token-2');
    assert.equal((await stat(join(dir, 'read-token'))).mode & 0o777, 0o444, 'read-only, readable by the consumer’s user');
  });

  it('reuses the tokens it issued before, so a rerun changes nothing', async () => {
    await issue();
    await issue();
    assert.equal(influx.auths.length, 2);
    assert.equal(await readFile(join(dir, 'write-token'), 'utf8'), 'minted-token-1');
  });

  it('fails, writing nothing, when InfluxDB refuses the operator token', async () => {
    await writeFile(join(dir, 'wrong'), 'not-the-operator-token');
    await assert.rejects(issue(join(dir, 'wrong')), /HTTP 401/);
    await assert.rejects(stat(join(dir, 'write-token')), { code: 'ENOENT' });
  });
});
