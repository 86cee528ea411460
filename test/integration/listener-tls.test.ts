import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, connectAsync } from 'mqtt';
import type { RunningDemo } from '../../demo/src/demo.js';
import { requireBinary } from '../support/services.js';
import { startSite } from '../support/site-harness.js';
import { makeCertificates, OPENSSL } from '../support/test-certificates.js';

/** GET over HTTPS trusting only `ca`; resolves the status code. */
function getTls(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

function getPlain(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/**
 * HTTPS for the API and dashboard, MQTTS for the local broker, with
 * certificates openssl made for the test (a CA and a server certificate for
 * 127.0.0.1), and a self-signed certificate the gateway makes itself.
 */
describe('listeners over TLS: HTTPS API, MQTTS local broker', () => {
  let dir: string;
  let site: RunningDemo | undefined;
  let ca: Buffer;

  before(async function () {
    requireBinary(this, OPENSSL, 'openssl');
    dir = await mkdtemp(join(tmpdir(), 'lifeline-listener-tls-'));
    await chmod(dir, 0o755);
    await makeCertificates(dir, {
      cas: ['ca'],
      leaves: [{ name: 'server', cn: 'gateway', ext: 'subjectAltName=IP:127.0.0.1,DNS:localhost' }],
    });
    ca = await readFile(join(dir, 'ca.crt'));
  });

  afterEach(async () => {
    await site?.stop();
    site = undefined;
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const start = async (tls: string, state = join(dir, 'state')) => {
    await writeFile(
      join(dir, 'site.yaml'),
      `
site: test-site
gateway: gw-test
http: { host: 127.0.0.1, port: 0, tls: ${tls} }
mqtt:
  local:
    host: 127.0.0.1
    port: 0
    tls: ${tls}
    users:
      - { username: hmi, password: hmi-pw, subscribe: ["lifeline/v1/#"], publish: [] }
simulator: { http: { host: 127.0.0.1, port: 0 } }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
`,
    );
    site = await startSite(join(dir, 'site.yaml'), { stateDir: state });
    return site;
  };

  it('serves HTTPS and MQTTS with the site certificate and refuses plain connections on both', async () => {
    const running = await start('{ certFile: server.crt, keyFile: server.key }');
    const https = running.urls.dashboard;
    assert.match(https, /^https:\/\//);
    assert.equal(await getTls(`${https}api/health`, ca), 200);
    await assert.rejects(getPlain(https.replace('https:', 'http:')), /socket hang up|ECONNRESET|EPROTO/);
    // A client that does not trust the site CA does not get through either.
    await assert.rejects(getTls(`${https}api/health`, await readFile(join(dir, 'server.csr'))), /certificate|self.signed|unable/i);

    const mqtts = running.urls.mqtt as string;
    assert.match(mqtts, /^mqtts:\/\//);
    const hmi = await connectAsync(mqtts, { ca, username: 'hmi', password: 'hmi-pw', reconnectPeriod: 0 });
    try {
      // The gateway's own link reached its broker over TLS too: its retained status is there.
      const status = new Promise<string>((resolve) => hmi.on('message', (_t, payload) => resolve(payload.toString())));
      await hmi.subscribeAsync('lifeline/v1/test-site/gw-test/status', { qos: 1 });
      assert.equal((JSON.parse(await status) as { online: boolean }).online, true);
    } finally {
      await hmi.endAsync(true);
    }
    // Plain MQTT on the MQTTS port: the TLS handshake fails and the broker closes the connection, no CONNACK.
    const plain = connect(mqtts.replace('mqtts:', 'mqtt:'), { username: 'hmi', password: 'hmi-pw', reconnectPeriod: 0 });
    const outcome = await new Promise<string>((resolve) => {
      plain.once('connect', () => resolve('connected'));
      plain.once('close', () => resolve('closed'));
    });
    plain.end(true);
    assert.equal(outcome, 'closed');
  });

  it('makes a self-signed certificate into the state folder at first start and keeps it', async () => {
    const state = join(dir, 'state-self');
    let running = await start('{ selfSigned: true }', state);
    const cert = await readFile(join(state, 'tls', 'http.crt'));
    assert.equal(await getTls(`${running.urls.dashboard}api/health`, cert), 200);
    await site?.stop();
    site = undefined;
    running = await start('{ selfSigned: true }', state);
    assert.deepEqual(await readFile(join(state, 'tls', 'http.crt')), cert, 'the same certificate after a restart');
    assert.equal(await getTls(`${running.urls.dashboard}api/health`, cert), 200);
    const mqttCert = await readFile(join(state, 'tls', 'mqtt.crt'));
    const hmi = await connectAsync(running.urls.mqtt as string, { ca: mqttCert, username: 'hmi', password: 'hmi-pw', reconnectPeriod: 0 });
    await hmi.endAsync(true);
  });
});
