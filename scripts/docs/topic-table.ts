// docs/topics.md's one topic table, rendered from the same channel list as
// docs/asyncapi.yaml, so the guide and the machine-readable contract agree.
import { CHANNELS } from '../asyncapi.js';
import { code, table } from './markdown.js';

export function renderTopicTable(): string {
  const rows = Object.values(CHANNELS).map((c) => [
    code(c.suffix),
    c.action === 'send' ? 'gateway → centre' : 'centre → gateway',
    `1 / ${c.retain ? 'retained' : 'not retained'}`,
    `[${c.schema}](schemas/${c.schema}.schema.json)`,
    c.status,
  ]);
  return table(['topic suffix', 'direction', 'QoS / retain', 'payload schema', 'status in this release'], rows);
}
