// The Markdown documents with generated blocks, and what fills each block.
// scripts/schemas.ts writes them (npm run schemas) or checks them (--check);
// test/unit/docs/generated-docs.test.ts fails when one is stale.
import { renderConfigKeys, renderEnvironment } from './config-reference.js';
import { renderErrorCatalogs } from './error-catalog.js';
import { replaceBlock } from './markdown.js';
import { renderTopicTable } from './topic-table.js';

export const GENERATED_BLOCKS: Readonly<Record<string, Readonly<Record<string, () => string>>>> = {
  'docs/configuration.md': { 'config-keys': renderConfigKeys, environment: renderEnvironment },
  'docs/errors.md': { 'error-catalogs': renderErrorCatalogs },
  'docs/topics.md': { topics: renderTopicTable },
};

/** `current` with every generated block of `path` rendered afresh; prose around them is kept. */
export function renderDocument(path: string, current: string): string {
  const blocks = GENERATED_BLOCKS[path] ?? {};
  return Object.entries(blocks).reduce((doc, [name, render]) => replaceBlock(doc, name, render()), current);
}
