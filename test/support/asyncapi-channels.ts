import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { REPO_ROOT } from './fixtures.js';

/** One channel of docs/asyncapi.yaml, as a test matches topics and payloads against it. */
export interface DocumentedChannel {
  readonly id: string;
  readonly address: string;
  /** The gateway's action: send = it publishes here. */
  readonly action: 'send' | 'receive';
  readonly matches: (topic: string) => boolean;
  readonly validate: ValidateFunction;
}

type AsyncApiDoc = {
  channels: Record<string, { address: string; messages: Record<string, { payload: { $ref: string } }> }>;
  operations: Record<string, { action: 'send' | 'receive'; channel: { $ref: string } }>;
};

/** `lifeline/v1/{site}/{gateway}/cmd/{name}/result` → a regex where each parameter is one topic level. */
function addressPattern(address: string): RegExp {
  const escaped = address.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{[a-z]+\}/gi, '[^/]+')}$`);
}

/** The channels of the AsyncAPI document with their payload schemas compiled (ajv, draft-07, formats). */
export async function documentedChannels(file = join(REPO_ROOT, 'docs/asyncapi.yaml')): Promise<DocumentedChannel[]> {
  const doc = parse(await readFile(file, 'utf8')) as AsyncApiDoc;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const actions = new Map(Object.values(doc.operations).map((o) => [o.channel.$ref.replace('#/channels/', ''), o.action]));
  const channels: DocumentedChannel[] = [];
  for (const [id, channel] of Object.entries(doc.channels)) {
    const message = Object.values(channel.messages)[0];
    if (!message) throw new Error(`channel ${id} has no message`);
    const schema = JSON.parse(await readFile(join(dirname(file), message.payload.$ref), 'utf8')) as Record<string, unknown>;
    // Schemas share $ids across files only by accident; compile each on its own.
    const { $id: _id, ...body } = schema;
    channels.push({
      id,
      address: channel.address,
      action: actions.get(id) ?? 'send',
      matches: (topic) => addressPattern(channel.address).test(topic),
      validate: ajv.compile(body),
    });
  }
  return channels;
}
