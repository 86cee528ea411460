import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadSiteConfig } from '../../../core/src/index.js';
import { FIXTURES } from '../../support/fixtures.js';

/**
 * A corpus of broken site configs a field engineer might write; each file's
 * first line says the message it must produce (`# expect: <regex>`).
 */
const DIR = join(FIXTURES, 'broken');

describe('broken site configs give the expected message', () => {
  for (const name of readdirSync(DIR).filter((f) => f.endsWith('.yaml'))) {
    it(name, async () => {
      const file = join(DIR, name);
      const expected = /^# expect: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1];
      assert.ok(expected, `${name} has no "# expect:" line`);
      const error = await loadSiteConfig(file, {}).then(
        () => assert.fail(`${name} loaded`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.report(), new RegExp(expected));
    });
  }
});
