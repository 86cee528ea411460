import { readFileSync } from 'node:fs';

/** The gateway package's version, reported in status, health and the dashboard. */
export const GATEWAY_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
