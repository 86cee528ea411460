import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/fixtures.js';

/**
 * The gateway's memory settings (docs/BENCHMARKS.md "V8 settings") are set
 * wherever it is started: the bins' shebangs (run as `lifeline-gateway`), and
 * NODE_OPTIONS and the environment in the systemd unit and the image (which
 * run `node bin.js`, where a shebang is not read). They must be the same
 * everywhere: V8's flags, and glibc's malloc arena limit.
 */
const BINS = ['gateway/bin/lifeline-gateway.js', 'demo/bin/lifeline-gateway.js'];
const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');

/** `#!/usr/bin/env -S NAME=value … node --flags`: the environment assignments and the flags. */
function shebang(bin: string): { env: string[]; flags: string } {
  const first = read(bin).split('\n', 1)[0] as string;
  const m = /^#!\/usr\/bin\/env -S ((?:\w+=\S+ )*)node (.+)$/.exec(first);
  assert.ok(m, `${bin}: shebang ${first}`);
  return { env: (m[1] as string).split(' ').filter(Boolean), flags: m[2] as string };
}

const shebangFlags = (bin: string) => shebang(bin).flags;

describe('deploy: the gateway starts with the same memory settings everywhere', () => {
  const flags = shebangFlags(BINS[0] as string);
  const { env } = shebang(BINS[0] as string);

  it('limits glibc to one malloc arena in the bins, the systemd unit and the runtime image', () => {
    assert.deepEqual(env, ['MALLOC_ARENA_MAX=1']);
    assert.deepEqual(shebang(BINS[1] as string).env, env);
    for (const assignment of env) {
      assert.match(read('deploy/systemd/lifeline-gateway.service'), new RegExp(`^Environment=${assignment}$`, 'm'));
      const runtime = read('Dockerfile')
        .split(/^FROM /m)
        .find((stage) => stage.includes('AS runtime')) as string;
      assert.match(runtime, new RegExp(`^\\s+${assignment} \\\\$`, 'm'), `the runtime stage sets ${assignment}`);
    }
  });

  it('sets a young-generation size and an old-space limit in the bins', () => {
    assert.match(flags, /--max-semi-space-size=\d+/);
    assert.match(flags, /--max-old-space-size=\d+/);
    assert.equal(shebangFlags(BINS[1] as string), flags);
  });

  it('passes them in NODE_OPTIONS in the systemd unit and the runtime image', () => {
    assert.match(read('deploy/systemd/lifeline-gateway.service'), new RegExp(`^Environment="NODE_OPTIONS=${flags}"$`, 'm'));
    const runtime = read('Dockerfile')
      .split(/^FROM /m)
      .find((stage) => stage.includes('AS runtime')) as string;
    assert.ok(runtime.includes(`NODE_OPTIONS="${flags}"`), 'the runtime stage sets NODE_OPTIONS');
    // The unit's own env file comes after, so a large site can raise the limit there.
    const unit = read('deploy/systemd/lifeline-gateway.service');
    assert.ok(unit.indexOf('EnvironmentFile=') > unit.indexOf('NODE_OPTIONS='));
  });
});

describe('the bins refuse a Node.js older than the engines floor', () => {
  // Debian's system Node.js here is 20 (better-sqlite3 13 crashes on it); skip where it is absent or newer.
  const old = '/usr/bin/node';
  const version = existsSync(old) ? spawnSync(old, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  const tooOld = /^v(1\d|20|21|22\.(\d|1[0-2]))\./.test(version);

  for (const bin of BINS) {
    it(`${bin} exits 1 with one line naming the floor`, function () {
      if (!tooOld) this.skip();
      const run = spawnSync(old, [join(REPO_ROOT, bin), '--help'], { encoding: 'utf8' });
      assert.equal(run.status, 1);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, `lifeline-gateway needs Node.js 22.13 or newer; this is Node.js ${version.slice(1)}\n`);
    });
  }

  it('names the floor of package.json engines', () => {
    const engines = (JSON.parse(read('gateway/package.json')) as { engines: { node: string } }).engines.node;
    assert.equal(engines, '>=22.13');
    assert.ok(read('gateway/bin/require-node.js').includes('(major === 22 && minor < 13)'), 'the check both bins import');
    for (const bin of BINS) assert.match(read(bin), /require-node/, `${bin} imports the check first`);
  });
});
