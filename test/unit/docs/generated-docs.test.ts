import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GATEWAY_ENVIRONMENT } from '../../../core/src/index.js';
import { configKeys } from '../../../scripts/docs/config-reference.js';
import { CATALOGS } from '../../../scripts/docs/error-catalog.js';
import { replaceBlock } from '../../../scripts/docs/markdown.js';
import { generatedFiles } from '../../../scripts/schemas.js';
import { CENTRE_ENVIRONMENT } from '../../../twin/src/centre/index.js';
import { REPO_ROOT } from '../../support/fixtures.js';

const SOURCE_DIRS = ['gateway/src', 'twin/src', 'firmware-sim/src'];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** Every distinct match of `pattern` in the TypeScript sources of the packages. */
async function namesInSources(pattern: RegExp): Promise<Set<string>> {
  const names = new Set<string>();
  for (const dir of SOURCE_DIRS) {
    for (const file of await sourceFiles(dir)) {
      for (const m of (await readFile(file, 'utf8')).matchAll(pattern)) names.add(m[0]);
    }
  }
  return names;
}

describe('docs: generated documents stay in step with the code', () => {
  it('every generated file is current (npm run schemas)', async () => {
    const files = await generatedFiles();
    for (const path of ['docs/asyncapi.yaml', 'docs/configuration.md', 'docs/errors.md', 'docs/topics.md']) {
      assert.ok(
        files.some((f) => f.path === path),
        `${path} is not generated`,
      );
    }
    const stale = files.filter((f) => f.current !== f.expected).map((f) => f.path);
    assert.deepEqual(stale, [], 'out of date: run npm run schemas');
  });

  it('a generated block is replaced with the prose around it kept, and a missing marker is an error', () => {
    const doc = 'intro\n\n<!-- generated:x -->\nold\n<!-- /generated -->\n\noutro\n';
    const out = replaceBlock(doc, 'x', 'new');
    assert.match(out, /^intro\n\n<!-- generated:x \(npm run schemas; do not edit\) -->\n\nnew\n\n<!-- \/generated -->\n\noutro\n$/);
    assert.equal(replaceBlock(out, 'x', 'new'), out, 'rendering twice changes nothing');
    assert.throws(() => replaceBlock('no markers', 'x', 'new'), /no <!-- generated:x -->/);
  });

  it('every config key has a description, and defaults come from the schema', () => {
    const rows = configKeys();
    assert.deepEqual(
      rows.filter((r) => r.description.trim() === '').map((r) => r.path),
      [],
    );
    const byPath = new Map(rows.map((r) => [r.path, r]));
    assert.equal(byPath.get('http.port')?.default, '`8080`');
    assert.equal(byPath.get('devices[].pollIntervalMs')?.range, '10–3600000');
    assert.equal(byPath.get('site')?.default, 'required');
  });

  it('every LIFELINE_ variable a source file names is in a declared environment list', async () => {
    const declared = new Set([...GATEWAY_ENVIRONMENT, ...CENTRE_ENVIRONMENT].map((v) => v.name));
    // LIFELINE_{VIEWER,OPERATOR,ADMIN}_TOKEN in help text is a family, not a name.
    const named = [...(await namesInSources(/LIFELINE_[A-Z][A-Z0-9_]*[A-Z0-9]\b/g))];
    assert.ok(named.length >= 10, `found only ${named.join(', ')}`);
    assert.deepEqual(
      named.filter((n) => !declared.has(n)),
      [],
      'declare them in core/src/config/environment.ts or twin/src/centre/centre-environment.ts',
    );
  });

  it('every LL_ERR_ code a source file names is in a catalog', async () => {
    const catalogued = new Set(CATALOGS.flatMap((c) => Object.keys(c.entries)));
    const named = [...(await namesInSources(/LL_ERR_[A-Z0-9_]*[A-Z0-9]\b/g))];
    assert.ok(named.length > 40);
    // A family prefix such as LL_ERR_CONFIG (in `code.startsWith(…)`) is not a code.
    const isPrefix = (n: string) => [...catalogued].some((c) => c.startsWith(`${n}_`));
    assert.deepEqual(
      named.filter((n) => !catalogued.has(n) && !isPrefix(n)),
      [],
    );
  });

  it('the hand-written notes of docs/errors.md are about codes that exist', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
    const catalogued = new Set(CATALOGS.flatMap((c) => Object.keys(c.entries)));
    const notes = [...doc.matchAll(/^### (LL_ERR_[A-Z0-9_]+)/gm)].map((m) => m[1] as string);
    assert.ok(notes.length > 40);
    assert.deepEqual(
      notes.filter((n) => !catalogued.has(n)),
      [],
    );
  });
});
