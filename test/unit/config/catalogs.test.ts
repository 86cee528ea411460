import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATED_SCHEMAS, render } from '../../../scripts/schemas.js';
import { REPO_ROOT } from '../../support/fixtures.js';

// docs/errors.md is generated from the catalogs now: test/unit/docs/generated-docs.test.ts.
describe('catalogs stay in step with their docs', () => {
  for (const [path, schema] of Object.entries(GENERATED_SCHEMAS)) {
    it(`${path} matches its TypeBox source (npm run schemas)`, async () => {
      assert.equal(await readFile(join(REPO_ROOT, path), 'utf8'), render(schema));
    });
  }
});
