import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORE_ERRORS } from '../../../core/src/index.js';
import { SIM_ERRORS } from '../../../firmware-sim/src/errors.js';
import { GATEWAY_ERRORS } from '../../../gateway/src/errors.js';
import { GENERATED_SCHEMAS, render } from '../../../scripts/schemas.js';
import { REPO_ROOT } from '../../support/fixtures.js';

describe('catalogs stay in step with their docs', () => {
  it('docs/errors.md lists exactly the coded errors', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^## (LL_ERR_[A-Z_]+)/gm)].map((m) => m[1]));
    const coded = new Set([...Object.keys(CORE_ERRORS), ...Object.keys(GATEWAY_ERRORS), ...Object.keys(SIM_ERRORS)]);
    assert.deepEqual(
      [...coded].filter((c) => !documented.has(c)),
      [],
      'codes missing from docs/errors.md',
    );
    assert.deepEqual(
      [...documented].filter((c) => c && !coded.has(c)),
      [],
      'docs/errors.md lists codes that do not exist',
    );
  });

  for (const [path, schema] of Object.entries(GENERATED_SCHEMAS)) {
    it(`${path} matches its TypeBox source (npm run schemas)`, async () => {
      assert.equal(await readFile(join(REPO_ROOT, path), 'utf8'), render(schema));
    });
  }
});
