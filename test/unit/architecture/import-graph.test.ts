import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../support/fixtures.js';
import { cycles, importsOf, nodeOf, PACKAGES } from '../../support/import-graph.js';

/** DESIGN.md §2 and docs/architecture.md: who may import whom. */
const ALLOWED: Record<(typeof PACKAGES)[number], readonly string[]> = {
  core: [],
  twin: ['core'],
  gateway: ['core', 'twin'],
  'firmware-sim': ['core'],
  demo: ['core', 'twin', 'gateway', 'firmware-sim'],
  nodes: ['core', 'twin'],
};

const lifelinePackage = (specifier: string) => /^@lifeline\/([^/]+)/.exec(specifier)?.[1];

describe('architecture: the import graph', () => {
  for (const pkg of PACKAGES) {
    it(`${pkg} imports and depends on ${ALLOWED[pkg].join(', ') || 'no other workspace'} only`, () => {
      const imported = new Set(importsOf(REPO_ROOT, pkg).flatMap((i) => lifelinePackage(i.specifier) ?? []));
      imported.delete(pkg);
      assert.deepEqual(
        [...imported].filter((p) => !ALLOWED[pkg].includes(p)),
        [],
        `${pkg} imports a workspace it may not`,
      );
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const declared = Object.keys(manifest.dependencies ?? {}).flatMap((d) => lifelinePackage(d) ?? []);
      assert.deepEqual(
        declared.filter((p) => !ALLOWED[pkg].includes(p)),
        [],
        `${pkg}/package.json depends on a workspace it may not`,
      );
      assert.deepEqual(
        [...imported].filter((p) => !declared.includes(p)),
        [],
        `${pkg} imports a workspace its package.json does not declare`,
      );
    });
  }

  it('has no circle between folders of a package, and nothing under src/ reaches into test/, bench/ or another package by path', () => {
    const edges = new Map<string, Set<string>>();
    for (const pkg of PACKAGES) {
      for (const { file, target, specifier } of importsOf(REPO_ROOT, pkg)) {
        if (!target) continue;
        const [targetPkg, targetSrc] = relative(REPO_ROOT, target).split('/');
        assert.ok(targetPkg === pkg && targetSrc === 'src', `${relative(REPO_ROOT, file)} imports ${specifier} outside its package's src/`);
        const from = nodeOf(REPO_ROOT, file);
        const to = nodeOf(REPO_ROOT, target);
        if (!from || !to || from === to) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    assert.deepEqual(cycles(edges), []);
  });

  it('finds a circle when there is one (the check itself can fail)', () => {
    const edges = new Map([
      ['gateway/a', new Set(['gateway/b'])],
      ['gateway/b', new Set(['gateway/c'])],
      ['gateway/c', new Set(['gateway/a'])],
      ['gateway/d', new Set(['gateway/a'])],
    ]);
    assert.deepEqual(cycles(edges), [['gateway/a', 'gateway/b', 'gateway/c']]);
  });
});
