import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { COMMAND_NAMES, gatewayTopics } from '@lifeline/twin';
import { parse } from 'yaml';
import { CHANNELS } from '../../../scripts/asyncapi.js';
import { GENERATED_SCHEMAS } from '../../../scripts/schemas.js';
import { REPO_ROOT } from '../../support/fixtures.js';

const ASYNCAPI = join(REPO_ROOT, 'docs/asyncapi.yaml');

describe('twin: the AsyncAPI document matches the code', () => {
  it('is a valid AsyncAPI 3 document (@asyncapi/parser), its payload $refs resolved', async () => {
    const text = await readFile(ASYNCAPI, 'utf8');
    // `source` makes the parser resolve ./schemas/*.json next to the document.
    const { document, diagnostics } = await new Parser().parse(text, { source: pathToFileURL(ASYNCAPI).href });
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    assert.deepEqual(
      errors.map((d) => `${d.path.join('.')}: ${d.message}`),
      [],
    );
    assert.ok(document, 'the parser returned no document');
    const payload = document.channels().get('telemetry')?.messages().all()[0]?.payload()?.json() as { properties?: object };
    assert.ok(payload?.properties && 'readings' in payload.properties, 'the telemetry payload $ref was not resolved');
  });

  it('every channel is a topic the code builds, with the suffix it builds, and every payload schema is generated', () => {
    const t = gatewayTopics('s', 'g');
    for (const c of Object.values(CHANNELS)) {
      const built = c.topic === 'command' || c.topic === 'commandResult' ? t[c.topic](c.suffix.split('/')[1] as string) : t[c.topic];
      assert.equal(built, `lifeline/v1/s/g/${c.suffix}`, c.suffix);
      assert.ok(`docs/schemas/${c.schema}.schema.json` in GENERATED_SCHEMAS, c.schema);
    }
  });

  it('documents every topic the gateway builds: telemetry, every command and its result', async () => {
    const doc = parse(await readFile(ASYNCAPI, 'utf8')) as { channels: Record<string, { address: string }> };
    const addresses = new Set(Object.values(doc.channels).map((c) => c.address.replace('{site}/{gateway}', 's/g')));
    const t = gatewayTopics('s', 'g');
    const used = [t.status, t.alarms, t.twin, t.twinPatch, t.twinDesired, t.twinDesiredResult, t.telemetry, t.commandResult('{name}')];
    for (const name of COMMAND_NAMES) used.push(t.command(name));
    assert.deepEqual(
      used.filter((topic) => !addresses.has(topic)),
      [],
    );
  });
});
