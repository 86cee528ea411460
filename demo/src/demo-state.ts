import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the demo keeps its durable state (alarms.db, outbox.db). By default a
 * fresh temporary folder per run, removed on a clean stop: a second
 * `npm start` must not show yesterday's shelved alarms against today's
 * readings (issue 14). LIFELINE_STATE_DIR (or --state-dir) keeps state in a
 * folder the user chose, which is never removed.
 */
export interface DemoState {
  readonly dir: string;
  /** True for the per-run folder the demo made and removes. */
  readonly temporary: boolean;
  /** The environment with LIFELINE_STATE_DIR pointing at `dir`. */
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

export function demoState(env: NodeJS.ProcessEnv): DemoState {
  const chosen = env.LIFELINE_STATE_DIR;
  if (chosen) return { dir: chosen, temporary: false, env, remove: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-demo-'));
  return {
    dir,
    temporary: true,
    env: { ...env, LIFELINE_STATE_DIR: dir },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
