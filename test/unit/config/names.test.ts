import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadSiteConfig } from '../../../core/src/index.js';
import { FIXTURES } from '../../support/fixtures.js';
import { tempStateDir } from '../../support/state-dir.js';

/** A gas site whose one device carries `device` as extra YAML lines. */
async function site(device: string): Promise<string> {
  const file = join(tempStateDir(), 'site.yaml');
  await writeFile(
    file,
    `site: s\ngateway: g\ndevices:\n  - id: gas-1\n    profile: gas-detector\n    modbus: { host: 127.0.0.1, port: 1502, unitId: 1 }\n${device}`,
  );
  return file;
}

describe('config: names per dashboard language (issue 23)', () => {
  it("takes the profile's names for the device and its points", async () => {
    const config = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    const gas = config.devices[0];
    assert.equal(gas?.names?.['zh-CN'], '可燃气体报警控制器（4 通道）');
    assert.equal(gas?.points.find((p) => p.id === 'lel1')?.names?.['zh-CN'], '1 通道可燃气体浓度');
  });

  it("a site's names win; a site's name alone is the name in every language", async () => {
    const named = await loadSiteConfig(await site('    name: Kitchen detector\n    names: { zh-CN: 厨房探测器 }\n'));
    assert.deepEqual(named.devices[0]?.names, { 'zh-CN': '厨房探测器' });
    const plain = await loadSiteConfig(await site('    name: Kitchen detector\n'));
    assert.equal(plain.devices[0]?.names, undefined);
  });

  it('refuses a language the dashboard does not have, and an empty name', async () => {
    for (const bad of ['    names: { fr: Détecteur }\n', "    names: { zh-CN: '' }\n"]) {
      await assert.rejects(
        loadSiteConfig(await site(bad)),
        (e: unknown) => e instanceof ConfigError && /devices\.0\.names|names/.test(e.report()),
      );
    }
  });
});
