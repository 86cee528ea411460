import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadSiteConfig } from '../../../core/src/index.js';
import { GATEWAY_BIN } from '../../support/cli.js';
import { REPO_ROOT } from '../../support/fixtures.js';

/** A YAML "billion laughs": nine levels of nine aliases each, 387 million strings if expanded. */
function aliasBomb(): string {
  const lines = ['site: s', 'gateway: g', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  lines.push('devices: []');
  return `${lines.join('\n')}\n`;
}

async function issuesOf(file: string): Promise<string[]> {
  try {
    await loadSiteConfig(file, {});
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${(e as Error)?.stack ?? String(e)}`);
    return e.issues.map((i) => `${i.line}:${i.path}: ${i.message}`);
  }
  assert.fail('the file loaded');
}

describe('site config loading is safe on hostile files (issue 18)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-config-safety-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reports an alias bomb at the line of its first alias, not as a ReferenceError', async () => {
    const file = join(dir, 'bomb.yaml');
    await writeFile(file, aliasBomb());
    const issues = await issuesOf(file);
    assert.equal(issues.length, 1);
    assert.match(issues[0] ?? '', /^4:: YAML aliases: Excessive alias count/);
  });

  it('refuses a file over 1 MiB before parsing it', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, `site: s\ngateway: g\n# ${'x'.repeat(2_000_000)}\ndevices: []\n`);
    assert.deepEqual(await issuesOf(file), ['1:: the file is 2000034 bytes, over the limit of 1048576 bytes for a site or profile file']);
  });

  it('reports secret-reference and schema errors in one pass', async () => {
    const file = join(dir, 'both.yaml');
    await writeFile(
      file,
      [
        'site: s',
        'gateway: g',
        'mqtt:',
        '  centre: { url: "${env:LIFELINE_TEST_UNSET_URL}" }',
        'http: { port: 99999 }',
        'devices: []',
        '',
      ].join('\n'),
    );
    const issues = await issuesOf(file);
    assert.ok(
      issues.some((i) => i.startsWith('4:')),
      issues.join('\n'),
    );
    assert.ok(
      issues.some((i) => i.startsWith('5:http.port')),
      issues.join('\n'),
    );
  });

  it('reports limit-order and profile errors of well-formed devices beside schema errors elsewhere', async () => {
    const file = join(dir, 'staged.yaml');
    await writeFile(
      file,
      [
        'site: s',
        'gateway: g',
        'http: { port: 99999 }',
        'devices:',
        '  - id: gas-1',
        '    profile: gas-detector',
        '    modbus: { host: 127.0.0.1, port: 1502, unitId: 1 }',
        '    points:',
        '      lel1: { limits: { hi: { value: 60 } } }',
        '      nosuch: {}',
        '  - id: broken',
        '    profile: gas-detector',
        '    modbus: { host: 127.0.0.1, port: "x", unitId: 2 }',
        '',
      ].join('\n'),
    );
    const issues = await issuesOf(file);
    const at = (prefix: string) =>
      assert.ok(
        issues.some((i) => i.startsWith(prefix)),
        `${prefix} in\n${issues.join('\n')}`,
      );
    at('3:http.port');
    at('9:devices[0].points.lel1.limits');
    at('10:devices[0].points.nosuch');
    at('13:devices[1].modbus.port');
    // The broken device is not resolved on top of its schema error (no second report for it).
    assert.equal(issues.filter((i) => i.includes('devices[1]')).length, 1, issues.join('\n'));
  });

  it('validate exits 2 with file:line on an alias bomb, and prints no stack trace', async function () {
    this.timeout(20_000);
    const file = join(dir, 'bomb.yaml');
    await writeFile(file, aliasBomb());
    const run = spawnSync(process.execPath, [GATEWAY_BIN, 'validate', file], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /bomb\.yaml:4:\d+: YAML aliases: Excessive alias count/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
});
