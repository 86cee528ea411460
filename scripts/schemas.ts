// Generates the checked-in contracts from the code:
//   - the JSON Schemas, from their TypeBox sources;
//   - docs/asyncapi.yaml, from scripts/asyncapi.ts;
//   - the generated blocks of docs/configuration.md, errors.md and topics.md
//     (scripts/docs/), from the schemas, defaults, environment lists, error
//     catalogs and channel list.
//   npm run schemas             write them
//   npm run schemas -- --check  exit 1 if any is out of date
// test/unit/docs/generated-docs.test.ts runs the same comparison.
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
import { SparkplugHostStateSchema, SparkplugPayloadSchema } from './asyncapi-sparkplug.js';
import { GENERATED_BLOCKS, renderDocument } from './docs/generated-docs.js';

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
  'docs/schemas/sparkplug-payload.schema.json': SparkplugPayloadSchema,
  'docs/schemas/sparkplug-host-state.schema.json': SparkplugHostStateSchema,
};

export function render(schema: unknown): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...(schema as object) }, null, 2)}\n`;
}

export interface GeneratedFile {
  readonly path: string;
  /** What the file must hold. */
  readonly expected: string;
  /** What it holds now ('' when missing). */
  readonly current: string;
}

const read = (path: string) => readFile(join(root, path), 'utf8').catch(() => '');

/** Every generated file, with its expected and current text. */
export async function generatedFiles(): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  for (const [path, schema] of Object.entries(GENERATED_SCHEMAS)) files.push({ path, expected: render(schema), current: await read(path) });
  const version = (JSON.parse(await read('twin/package.json')) as { version: string }).version;
  files.push({ path: 'docs/asyncapi.yaml', expected: renderAsyncApi(version), current: await read('docs/asyncapi.yaml') });
  for (const path of Object.keys(GENERATED_BLOCKS)) {
    const current = await read(path);
    files.push({ path, expected: renderDocument(path, current), current });
  }
  return files;
}

async function main(check: boolean): Promise<number> {
  let stale = 0;
  for (const file of await generatedFiles()) {
    if (file.current === file.expected) continue;
    if (check) {
      process.stderr.write(`${file.path} is out of date: run npm run schemas\n`);
      stale += 1;
    } else {
      await writeFile(join(root, file.path), file.expected);
      process.stdout.write(`wrote ${file.path}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.includes('--check'));
}
