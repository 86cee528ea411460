import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gatewayTopics } from '@lifeline/twin';
import { parse } from 'yaml';
import { CHANNELS, renderAsyncApi } from '../../../scripts/asyncapi.js';
import { GENERATED_SCHEMAS } from '../../../scripts/schemas.js';
import { REPO_ROOT } from '../../support/fixtures.js';

describe('twin: the AsyncAPI document matches the code', () => {
  it('docs/asyncapi.yaml is generated (npm run schemas)', async () => {
    const version = (JSON.parse(await readFile(join(REPO_ROOT, 'twin/package.json'), 'utf8')) as { version: string }).version;
    assert.equal(await readFile(join(REPO_ROOT, 'docs/asyncapi.yaml'), 'utf8'), renderAsyncApi(version));
  });

  it('every channel is a topic the code uses, and every payload schema is generated', async () => {
    const t = gatewayTopics('s', 'g');
    const used = new Set([
      t.status,
      t.alarms,
      t.twin,
      t.twinPatch,
      t.twinDesired,
      t.twinDesiredResult,
      t.command('ack'),
      t.command('shelve'),
      t.command('resync'),
      t.commandResult('{name}'),
    ]);
    const doc = parse(await readFile(join(REPO_ROOT, 'docs/asyncapi.yaml'), 'utf8')) as { channels: Record<string, { address: string }> };
    for (const channel of Object.values(doc.channels)) {
      assert.ok(used.has(channel.address.replace('{site}/{gateway}', 's/g')), `${channel.address} is not a topic of gatewayTopics()`);
    }
    for (const c of Object.values(CHANNELS)) assert.ok(`docs/schemas/${c.schema}.schema.json` in GENERATED_SCHEMAS, c.schema);
  });
});
