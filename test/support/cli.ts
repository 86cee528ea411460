import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.js';
import { tempStateDir } from './state-dir.js';

/** The built CLIs, exactly what `npm start` and the bins run (`npm test` builds first). */
export const GATEWAY_BIN = join(REPO_ROOT, 'demo/bin/lifeline-gateway.js');
export const SIM_BIN = join(REPO_ROOT, 'firmware-sim/bin/firmware-sim.js');

export interface CliRun {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves when stdout contains `text`; rejects if the process exits first or time runs out. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  /** The signal that ended the process, once `exited` has resolved (null when it exited by itself). */
  readonly signal: NodeJS.Signals | null;
}

export function startCli(bin: string, args: string[], env: Record<string, string> = {}): CliRun {
  if (!existsSync(join(REPO_ROOT, 'gateway/dist/cli/main.js'))) throw new Error('the CLI is not built: run npm run build');
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn', LIFELINE_STATE_DIR: tempStateDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = {
    child,
    stdout: '',
    stderr: '',
    get signal() {
      return child.signalCode;
    },
    // 'close', not 'exit': by then the output is all read, so a failure can quote what the process printed last.
    exited: new Promise((resolve) => child.once('close', (code) => resolve(code))),
    waitForOutput(text, timeoutMs = 15_000) {
      const seen = () => (typeof text === 'string' ? run.stdout.includes(text) : text.test(run.stdout));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${String(text)}" within ${timeoutMs} ms\nstdout: ${run.stdout}\nstderr: ${run.stderr}`)),
          timeoutMs,
        );
        const check = () => {
          if (!seen()) return;
          clearTimeout(timer);
          resolve();
        };
        child.stdout?.on('data', check);
        void run.exited.then((code) => {
          clearTimeout(timer);
          if (seen()) resolve();
          else reject(new Error(`exited with ${code} before printing "${String(text)}"\nstdout: ${run.stdout}\nstderr: ${run.stderr}`));
        });
        check();
      });
    },
  };
  child.stdout?.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

/** Ends a CLI that a test left running. */
export async function killCli(run: CliRun | undefined): Promise<void> {
  if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGKILL');
  await run.exited;
}
