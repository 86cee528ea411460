import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh folder for a gateway's durable state (alarms.db), removed when the
 * test process exits, so no test restores alarms another run left behind.
 */
export function tempStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-state-'));
  made.push(dir);
  return dir;
}
