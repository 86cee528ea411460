// Generates the checked-in JSON Schemas from their TypeBox sources:
//   npm run schemas           write them
//   npm run schemas -- --check  exit 1 if any is out of date
// test/unit/config/schemas.test.ts runs the same comparison.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProfileSchema, SiteSchema } from '@lifeline/core';
import {
  AckCommandSchema,
  AlarmEventSchema,
  CommandResultSchema,
  GatewayStatusSchema,
  ResyncCommandSchema,
  ShelveCommandSchema,
  TelemetryBatchSchema,
  TwinDesiredResultSchema,
  TwinDesiredSchema,
  TwinPatchSchema,
  TwinSnapshotSchema,
} from '@lifeline/twin';
import { renderAsyncApi } from './asyncapi.js';

const root = fileURLToPath(new URL('../', import.meta.url));

export const GENERATED_SCHEMAS: Record<string, unknown> = {
  'device-profiles/profile.schema.json': ProfileSchema,
  'docs/schemas/site.schema.json': SiteSchema,
  'docs/schemas/alarm-event.schema.json': AlarmEventSchema,
  'docs/schemas/gateway-status.schema.json': GatewayStatusSchema,
  'docs/schemas/telemetry-batch.schema.json': TelemetryBatchSchema,
  'docs/schemas/twin.schema.json': TwinSnapshotSchema,
  'docs/schemas/twin-patch.schema.json': TwinPatchSchema,
  'docs/schemas/twin-desired.schema.json': TwinDesiredSchema,
  'docs/schemas/twin-desired-result.schema.json': TwinDesiredResultSchema,
  'docs/schemas/ack-command.schema.json': AckCommandSchema,
  'docs/schemas/shelve-command.schema.json': ShelveCommandSchema,
  'docs/schemas/resync-command.schema.json': ResyncCommandSchema,
  'docs/schemas/command-result.schema.json': CommandResultSchema,
};

export function render(schema: unknown): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...(schema as object) }, null, 2)}\n`;
}

async function main(check: boolean): Promise<number> {
  let stale = 0;
  for (const [path, schema] of Object.entries(GENERATED_SCHEMAS)) {
    const file = join(root, path);
    const text = render(schema);
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current === text) continue;
    if (check) {
      process.stderr.write(`${path} is out of date: run npm run schemas\n`);
      stale += 1;
    } else {
      await writeFile(file, text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  const asyncapi = join(root, 'docs/asyncapi.yaml');
  const version = (JSON.parse(await readFile(join(root, 'twin/package.json'), 'utf8')) as { version: string }).version;
  const text = renderAsyncApi(version);
  if ((await readFile(asyncapi, 'utf8').catch(() => '')) !== text) {
    if (check) {
      process.stderr.write('docs/asyncapi.yaml is out of date: run npm run schemas\n');
      stale += 1;
    } else {
      await writeFile(asyncapi, text);
      process.stdout.write('wrote docs/asyncapi.yaml\n');
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.includes('--check'));
}
