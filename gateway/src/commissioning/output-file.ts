import { access, writeFile } from 'node:fs/promises';
import { gatewayError } from '../errors.js';

/** Writes a generated file, never over an existing one unless `force` (a hand-edited profile or site is worth more). */
export async function writeNew(file: string, text: string, force: boolean): Promise<void> {
  if (!force && (await exists(file))) throw gatewayError('LL_ERR_OUTPUT_EXISTS', file);
  await writeFile(file, text);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
