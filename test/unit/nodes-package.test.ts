import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import alarmModule from '../../nodes/src/alarm-node.js';
import { NODE_ERRORS } from '../../nodes/src/errors.js';
import gatewayInModule from '../../nodes/src/gateway-in-node.js';
import simModule from '../../nodes/src/sim-node.js';
import twinModule from '../../nodes/src/twin-node.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { helper, loggedErrors, redModule } from '../support/node-red.js';

const NODES_DIR = join(REPO_ROOT, 'nodes');
const EXAMPLES_DIR = join(NODES_DIR, 'examples');
const pkg = JSON.parse(readFileSync(join(NODES_DIR, 'package.json'), 'utf8')) as {
  'node-red': { version: string; nodes: Record<string, string> };
  files: string[];
  dependencies: Record<string, string>;
};
const OURS = Object.keys(pkg['node-red'].nodes);
const CORE = ['tab', 'inject', 'debug', 'comment', 'catch'];

interface FlowNode {
  id: string;
  type: string;
  wires?: string[][];
  [key: string]: unknown;
}

describe('node-red-contrib-lifeline package', () => {
  it('declares each node with a loader file and an editor template, help text and palette entry of the same type', () => {
    assert.deepEqual(OURS, ['lifeline-gateway-in', 'lifeline-alarm', 'lifeline-twin', 'lifeline-sim']);
    for (const [type, file] of Object.entries(pkg['node-red'].nodes)) {
      assert.ok(existsSync(join(NODES_DIR, file)), `${file} exists`);
      const html = readFileSync(join(NODES_DIR, file.replace(/\.js$/, '.html')), 'utf8');
      assert.match(html, new RegExp(`RED\\.nodes\\.registerType\\('${type}'`), `${type} registers in the editor`);
      assert.match(html, new RegExp(`data-template-name="${type}"`), `${type} has an edit dialog`);
      assert.match(html, new RegExp(`data-help-name="${type}"[\\s\\S]{200,}`), `${type} has help text`);
      assert.match(html, /icon: 'lifeline\.svg'/);
    }
    assert.ok(existsSync(join(NODES_DIR, 'red/icons/lifeline.svg')));
    assert.ok(pkg.files.includes('examples'), 'examples ship in the package');
  });

  it('packs as tarballs that hold what an install needs: built code, editor files, examples, CLIs', function () {
    this.timeout(60_000);
    const packed = (workspace: string) => {
      const out = execFileSync('npm', ['pack', '--dry-run', '--json', '-w', workspace], { cwd: REPO_ROOT, encoding: 'utf8' });
      return (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    };
    const nodes = packed('nodes');
    for (const file of [...Object.values(pkg['node-red'].nodes), 'dist/alarm-node.js', 'red/icons/lifeline.svg']) {
      assert.ok(nodes.includes(file), `nodes tarball holds ${file}`);
    }
    assert.ok(nodes.some((f) => f.startsWith('examples/')));
    // The nodes import the core and twin packages, never the gateway (no broker, HTTP server or SQLite in a
    // Node-RED install); the tarballs of these must carry dist/, which git ignores.
    assert.deepEqual(
      Object.keys(pkg.dependencies)
        .filter((d) => d.startsWith('@lifeline/'))
        .sort(),
      ['@lifeline/core', '@lifeline/twin'],
    );
    for (const [workspace, bin] of [
      ['core', undefined],
      ['gateway', 'bin/lifeline-gateway.js'],
      ['twin', 'bin/lifeline-centre.js'],
    ] as const) {
      const files = packed(workspace);
      assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), `${workspace} tarball holds dist/`);
      if (bin) assert.ok(files.includes(bin), `${workspace} tarball holds ${bin}`);
      assert.ok(!files.some((f) => f.startsWith('src/')), `${workspace} tarball leaves the TypeScript sources out`);
    }
  });

  it('documents every error code of the nodes in docs/node-red.md, and no other', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/node-red.md'), 'utf8');
    const documented = new Set(doc.match(/LL_ERR_NODE_[A-Z_]+/g) ?? []);
    assert.deepEqual([...documented].sort(), Object.keys(NODE_ERRORS).sort());
  });

  describe('example flows (nodes/examples)', () => {
    afterEach(async () => {
      await helper.unload();
    });

    for (const file of readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json'))) {
      it(`${file} wires only known nodes and its lifeline nodes start with a valid configuration`, async () => {
        const flow = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as FlowNode[];
        const ids = new Set(flow.map((n) => n.id));
        for (const node of flow) {
          assert.ok([...OURS, ...CORE].includes(node.type), `${file}: unexpected node type ${node.type}`);
          for (const target of (node.wires ?? []).flat()) assert.ok(ids.has(target), `${file}: ${node.id} wired to a missing ${target}`);
        }
        assert.ok(
          flow.some((n) => OURS.includes(n.type)),
          `${file} uses a lifeline node`,
        );
        // The helper runs our nodes (and catch); inject, debug and comment are the editor's and are left out.
        const runnable = flow
          .filter((n) => OURS.includes(n.type) || n.type === 'catch')
          .map((n) => ({
            ...n,
            wires: (n.wires ?? []).map((port) => port.filter((id) => flow.some((m) => m.id === id && OURS.includes(m.type)))),
          }));
        await helper.load([alarmModule, gatewayInModule, simModule, twinModule].map(redModule), runnable);
        assert.deepEqual(loggedErrors(), []);
      });
    }

    it('the check above sees a node that refuses its configuration', async () => {
      await helper.load([redModule(alarmModule)], [{ id: 'bad', type: 'lifeline-alarm', condition: 'hi', limit: 'x', wires: [] }]);
      assert.match(loggedErrors().join('\n'), /lifeline-alarm "limit": "x" is not a number/);
    });
  });
});
