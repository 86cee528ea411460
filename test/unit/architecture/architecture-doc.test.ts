import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/fixtures.js';
import { PACKAGES } from '../../support/import-graph.js';

const doc = readFileSync(join(REPO_ROOT, 'docs/architecture.md'), 'utf8');

describe('docs/architecture.md matches the code', () => {
  it('names only files and folders that exist', () => {
    const paths = [
      ...doc.matchAll(
        /`((?:core|twin|gateway|firmware-sim|demo|nodes|test|acquisition|alarms|events|store|sinks|sparkplug|telemetry|twin|uplink|http|cli|runtime|transports)\/[\w./<>-]*)`/g,
      ),
    ]
      .map((m) => m[1] as string)
      .filter((p) => !p.includes('<'));
    assert.ok(paths.length > 20, 'the page names its files');
    const missing = paths.filter((p) => !existsSync(join(REPO_ROOT, p)) && !existsSync(join(REPO_ROOT, 'gateway/src', p)));
    assert.deepEqual(missing, []);
  });

  it('lists every workspace and every folder of the gateway', () => {
    for (const pkg of PACKAGES) assert.ok(doc.includes(`\`${pkg}/\``), `package ${pkg}`);
    const folders = readdirSync(join(REPO_ROOT, 'gateway/src'), { withFileTypes: true }).filter((e) => e.isDirectory());
    assert.ok(folders.length >= 10);
    for (const { name: folder } of folders) {
      assert.ok(doc.includes(`| \`${folder}/\``), `gateway folder ${folder}`);
    }
  });
});
