import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirmwareSimulator } from '@lifeline/firmware-sim';
import { pino } from 'pino';
import { checkExposure, isLifelineError, isLoopbackHost, loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { Gateway } from '../../../gateway/src/runtime/gateway.js';
import { FIXTURES } from '../../support/fixtures.js';
import { tempStateDir } from '../../support/state-dir.js';

describe('locked-down listeners (docs/security.md)', () => {
  const rows: [string, boolean][] = [
    ['127.0.0.1', true],
    ['127.10.0.1', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['127.0.0.1.example', false],
  ];
  for (const [host, loopback] of rows) {
    it(`${host} is ${loopback ? '' : 'not '}loopback`, () => assert.equal(isLoopbackHost(host), loopback));
  }

  const base = { what: 'HTTP API', configKey: 'http' };
  it('refuses off loopback without authentication, allows it with authentication or on loopback', () => {
    assert.throws(
      () => checkExposure({ ...base, host: '0.0.0.0', authenticated: false, allowInsecure: false }),
      (e: unknown) => isLifelineError(e, 'LL_ERR_INSECURE_LISTENER') && /http\.allowInsecure/.test(e.hint),
    );
    assert.deepEqual(checkExposure({ ...base, host: '0.0.0.0', authenticated: true, allowInsecure: false }), {});
    assert.deepEqual(checkExposure({ ...base, host: '127.0.0.1', authenticated: false, allowInsecure: false }), {});
  });

  it('the opt-out is allowed and answers a loud warning', () => {
    const { warning } = checkExposure({ ...base, host: '0.0.0.0', authenticated: false, allowInsecure: true });
    assert.match(warning ?? '', /WITHOUT authentication.*anyone on this network/);
  });

  it('defaults every listener to loopback', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-exposure-'));
    await writeFile(
      join(dir, 'site.yaml'),
      'site: s\ngateway: g\ndevices:\n  - { id: gas-1, profile: gas-detector, modbus: { host: 127.0.0.1 } }\n',
    );
    const site = await loadSiteConfig(join(dir, 'site.yaml'));
    await rm(dir, { recursive: true, force: true });
    for (const host of [site.http.host, site.mqtt.local.host, site.simulator.http.host]) assert.equal(isLoopbackHost(host), true, host);
  });

  const log = pino({ level: 'silent' });
  const site = async (change: (s: SiteConfig) => SiteConfig) =>
    change({ ...(await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'))), stateDir: tempStateDir() });
  const ports = (s: SiteConfig): SiteConfig => ({
    ...s,
    http: { ...s.http, port: 0 },
    mqtt: { ...s.mqtt, local: { ...s.mqtt.local, port: 0 } },
    simulator: { http: { ...s.simulator.http, port: 0 } },
  });

  it('a gateway refuses to start its broker or API on 0.0.0.0 without authentication', async () => {
    const broker = new Gateway(await site((s) => ports({ ...s, mqtt: { ...s.mqtt, local: { ...s.mqtt.local, host: '0.0.0.0' } } })), {
      log,
    });
    await assert.rejects(broker.start(), /refusing to open the local MQTT broker on 0\.0\.0\.0/);
    const http = new Gateway(await site((s) => ports({ ...s, http: { ...s.http, host: '0.0.0.0' } })), { log });
    await assert.rejects(http.start(), /refusing to open the HTTP API on 0\.0\.0\.0/);
  });

  it('the simulator refuses its unauthenticated control API on 0.0.0.0', async () => {
    const sim = new FirmwareSimulator(
      await site((s) => ports({ ...s, devices: [], simulator: { http: { ...s.simulator.http, host: '0.0.0.0' } } })),
      log,
    );
    await assert.rejects(sim.start(), /refusing to open the simulator control API on 0\.0\.0\.0/);
  });
});
