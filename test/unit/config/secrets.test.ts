import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadSiteConfig } from '../../../core/src/index.js';

describe('secrets from environment and files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-secrets-'));
    await writeFile(join(dir, 'centre-password'), 's3cret-from-file\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const site = (centre: string) =>
    ['site: s', 'gateway: g', 'mqtt:', '  centre:', centre, 'devices: [{ id: d, profile: gas-detector, modbus: { host: h } }]'].join('\n');

  it('resolves ${env:…} and ${file:…} references', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, site('    url: mqtt://${env:CENTRE_HOST}:1883\n    username: gw\n    password: ${file:centre-password}'));
    const config = await loadSiteConfig(file, { CENTRE_HOST: 'centre.example' });
    assert.equal(config.mqtt.centre?.url, 'mqtt://centre.example:1883');
    assert.equal(config.mqtt.centre?.password, 's3cret-from-file');
  });

  it('reports an unreadable secret file with its line', async () => {
    const file = join(dir, 'missing-file.yaml');
    await writeFile(file, site('    url: mqtt://c:1883\n    password: ${file:nope}'));
    await assert.rejects(
      loadSiteConfig(file, {}),
      (e) => e instanceof ConfigError && /:6:\d+: mqtt\.centre\.password: cannot read secret file nope: ENOENT/.test(e.report()),
    );
  });

  it('never echoes a resolved secret in a validation message', async () => {
    const file = join(dir, 'bad-url.yaml');
    await writeFile(file, site('    url: ${env:CENTRE_URL}'));
    const error = await loadSiteConfig(file, { CENTRE_URL: 'http://user:hunter2@centre' }).catch((e: unknown) => e);
    assert.ok(error instanceof ConfigError);
    assert.match(error.report(), /mqtt\.centre\.url: the value \(from a secret reference\) has the wrong form/);
    assert.doesNotMatch(error.report(), /hunter2/);
  });
});
