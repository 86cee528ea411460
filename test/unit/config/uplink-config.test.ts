import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, loadSiteConfig } from '../../../core/src/index.js';

const base = `site: s
gateway: g
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1 }
`;

/** Delivery keys (schema-uplinks.ts): defaults, secrets from the environment, located errors. */
describe('uplink, outbox, telemetry and InfluxDB config', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-uplink-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    delete process.env.LL_TEST_TOKEN;
  });

  const load = async (extra: string) => {
    const file = join(dir, `site-${Math.random().toString(16).slice(2)}.yaml`);
    await writeFile(file, base + extra);
    return loadSiteConfig(file);
  };
  const issues = async (extra: string) => {
    try {
      await load(extra);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.issues.map((i) => `${i.line}:${i.path}: ${i.message} | ${i.fix}`);
    }
    return assert.fail('expected config issues');
  };

  it('declares its defaults once', async () => {
    const site = await load('');
    assert.deepEqual(site.delivery.outbox, {
      budgetBytes: DEFAULTS.outboxBudgetBytes,
      telemetryRetentionMs: DEFAULTS.telemetryRetentionMs,
      replayRatePerS: DEFAULTS.replayRatePerS,
      syncIntervalMs: DEFAULTS.outboxSyncIntervalMs,
    });
    assert.equal(site.delivery.telemetry.batchIntervalMs, 1000);
    assert.deepEqual(site.delivery.influx, []);
    assert.equal(site.mqtt.local.users, undefined);
  });

  it('reads InfluxDB v1 and v2 sinks, the v2 token from the environment', async () => {
    process.env.LL_TEST_TOKEN = 'tok';
    const site = await load(`influx:
  - { url: "http://a:8086", version: 1, database: db, retentionPolicy: rp, username: u, password: p }
  - { url: "http://b:8086", version: 2, org: o, bucket: b, tokenEnv: LL_TEST_TOKEN, timeoutMs: 500 }
`);
    assert.deepEqual(site.delivery.influx, [
      {
        name: 'influx',
        version: 1,
        url: 'http://a:8086',
        database: 'db',
        retentionPolicy: 'rp',
        username: 'u',
        password: 'p',
        timeoutMs: 10_000,
      },
      { name: 'influx-2', version: 2, url: 'http://b:8086', org: 'o', bucket: 'b', token: 'tok', timeoutMs: 500 },
    ]);
  });

  it('locates missing InfluxDB keys and unset secret variables', async () => {
    assert.deepEqual(
      await issues(`influx:
  - { url: "http://a:8086", version: 2, bucket: b, tokenEnv: LL_TEST_UNSET_VAR }
  - { url: "http://a:8086", version: 1 }
`),
      ['8:influx[0]: InfluxDB v2 needs "org" | add org: …', '9:influx[1]: InfluxDB v1 needs "database" | add database: …'],
    );
    const unset = await issues(`mqtt:
  centre: { url: "mqtt://c:1883", passwordEnv: LL_TEST_UNSET_VAR }
`);
    assert.equal(unset.length, 1);
    assert.match(
      unset[0] ?? '',
      /mqtt\.centre\.passwordEnv: environment variable LL_TEST_UNSET_VAR is not set \| export LL_TEST_UNSET_VAR=/,
    );
  });

  it('resolves centre TLS files from the site file and defaults to verifying the broker', async () => {
    const site = await load(`mqtt:
  centre: { url: "mqtts://c:8883", protocolVersion: 5, tls: { caFile: certs/ca.pem, certFile: certs/gw.pem, keyFile: certs/gw.key } }
  local:
    users: [{ username: hmi, password: pw, subscribe: ["lifeline/v1/#"] }]
`);
    assert.deepEqual(site.mqtt.centre?.tls, {
      rejectUnauthorized: true,
      caFile: join(dir, 'certs/ca.pem'),
      certFile: join(dir, 'certs/gw.pem'),
      keyFile: join(dir, 'certs/gw.key'),
    });
    assert.deepEqual(site.mqtt.local.users, [{ username: 'hmi', password: 'pw', publish: [], subscribe: ['lifeline/v1/#'] }]);
  });

  it('rejects a budget below 64 KiB and unknown keys', async () => {
    const found = await issues(`outbox: { budgetBytes: 10, retention: 5 }
`);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found.join('\n'), /outbox\.budgetBytes: must be >= 65536/);
    assert.match(found.join('\n'), /unknown key "retention"/);
  });
});
