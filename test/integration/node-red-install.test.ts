import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CliRun, killCli, startCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { freePort } from '../support/ports.js';

const run = promisify(execFile);
const NODES_DIR = join(REPO_ROOT, 'nodes');
const NODE_RED = join(REPO_ROOT, 'node_modules/node-red/red.js');
const TYPES = ['lifeline-gateway-in', 'lifeline-alarm', 'lifeline-twin', 'lifeline-sim'];

interface NodeSet {
  id: string;
  module: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

/**
 * The package as a user installs it (docs/node-red.md): `npm install
 * /path/to/nodes` into a fresh Node-RED user directory, then a real Node-RED
 * 5 process (its own red.js, no test helper) loads it and runs a flow.
 */
describe('node-red-contrib-lifeline installs into a Node-RED 5 runtime', () => {
  let userDir: string;
  let nodeRed: CliRun | undefined;

  before(async () => {
    if (!existsSync(join(NODES_DIR, 'dist/alarm-node.js'))) throw new Error('the nodes package is not built: run npm run build');
    userDir = await mkdtemp(join(tmpdir(), 'lifeline-node-red-'));
  });

  after(async () => {
    await killCli(nodeRed);
    if (userDir) await rm(userDir, { recursive: true, force: true });
  });

  it('npm install puts the package in the user directory and Node-RED loads all four nodes and runs a flow', async () => {
    await writeFile(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', NODES_DIR], { cwd: userDir });
    const installed = JSON.parse(await readFile(join(userDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.ok(installed.dependencies['node-red-contrib-lifeline'], 'recorded in the user directory package.json');

    const port = await freePort();
    const out = join(userDir, 'alarms.jsonl');
    await writeFile(
      join(userDir, 'settings.js'),
      `module.exports = { uiHost: '127.0.0.1', flowFile: 'flows.json', credentialSecret: false, logging: { console: { level: 'info' } } };\n`,
    );
    await writeFile(
      join(userDir, 'flows.json'),
      JSON.stringify([
        // Ids differ from every type name: Node-RED reads a property equal to a node id as a reference to it.
        { id: 'f-tab', type: 'tab', label: 'install test' },
        {
          id: 'f-inject',
          type: 'inject',
          z: 'f-tab',
          props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }],
          topic: 'gas-1/lel1',
          payload: '60',
          payloadType: 'num',
          once: true,
          onceDelay: 0.1,
          wires: [['f-alarm']],
        },
        {
          id: 'f-alarm',
          type: 'lifeline-alarm',
          z: 'f-tab',
          condition: 'hihi',
          limit: '50',
          hysteresis: '2',
          priority: '1',
          unit: '%LEL',
          wires: [['f-json']],
        },
        { id: 'f-json', type: 'json', z: 'f-tab', property: 'payload', action: 'str', wires: [['f-file']] },
        {
          id: 'f-file',
          type: 'file',
          z: 'f-tab',
          filename: out,
          filenameType: 'str',
          appendNewline: true,
          createDir: false,
          overwriteFile: 'false',
          wires: [],
        },
      ]),
    );

    nodeRed = startCli(NODE_RED, ['--userDir', userDir, '--port', String(port)], { NODE_OPTIONS: '' });
    // Node-RED logs "Server now running" once its HTTP port listens; flows may start before that.
    await nodeRed.waitForOutput('Server now running', 20_000);
    await nodeRed.waitForOutput('Started flows', 20_000);
    // The line the nodes' package.json declares ("node-red": {"version": ">=5.0.0"}) and the image runs.
    assert.match(nodeRed.stdout, /Node-RED version: v5\.\d+\.\d+/);

    const res = await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { accept: 'application/json' } });
    const sets = ((await res.json()) as NodeSet[]).filter((s) => s.module === 'node-red-contrib-lifeline');
    assert.deepEqual(sets.flatMap((s) => s.types).sort(), [...TYPES].sort());
    for (const set of sets) assert.deepEqual([set.id, set.enabled, set.err], [set.id, true, undefined]);

    const editor = await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { accept: 'text/html' } });
    const html = await editor.text();
    for (const type of TYPES) assert.match(html, new RegExp(`data-help-name="${type}"`), `help text of ${type} is served`);

    const deadline = Date.now() + 15_000;
    let lines: string[] = [];
    while (Date.now() < deadline && lines.length === 0) {
      lines = existsSync(out) ? (await readFile(out, 'utf8')).trim().split('\n').filter(Boolean) : [];
      if (lines.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    const event = JSON.parse(lines[0] ?? 'null') as { event: string; alarmId: string; colour: string } | null;
    assert.deepEqual(event && [event.event, event.alarmId, event.colour], ['raise', 'gas-1/lel1/hihi', 'red'], nodeRed.stdout);
  });
});
