import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const CENTRE_BIN = join(import.meta.dirname, '../twin/bin/lifeline-centre.js');

export interface CentreProcessOptions {
  readonly brokerUrl: string;
  readonly dbUrl: string;
  readonly instanceId: string;
  /** Extra flags for `lifeline-centre run` (e.g. `--consumers 16`). */
  readonly args?: readonly string[];
}

/**
 * One centre instance as its own process, the built `lifeline-centre run`
 * (run `npm run build` first): each instance has its own event loop, as in
 * production, and its CPU time is its own in /proc.
 */
export class CentreProcess {
  readonly #child: ChildProcess;
  url = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  get pid(): number {
    return this.#child.pid as number;
  }

  static async start(o: CentreProcessOptions): Promise<CentreProcess> {
    const args = ['run', '--broker', o.brokerUrl, '--db', o.dbUrl, '--instance', o.instanceId, '--http-port', '0', ...(o.args ?? [])];
    const child = spawn(process.execPath, [CENTRE_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // LIFELINE_BENCH_CENTRE_NODE_OPTIONS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the instances only.
      env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn', NODE_OPTIONS: process.env.LIFELINE_BENCH_CENTRE_NODE_OPTIONS ?? '' },
    });
    const instance = new CentreProcess(child);
    let output = '';
    instance.url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        // LIFELINE_BENCH_CENTRE_LOG=1 shows what the instances log (warnings and worse) while the bench runs.
        if (process.env.LIFELINE_BENCH_CENTRE_LOG === '1') process.stderr.write(d);
        output = (output + d.toString()).slice(-20_000);
        // cli.ts prints "  console  http://host:port/console/" once the API listens.
        const url = /console\s+(http:\/\/\S+)\/console\//.exec(output)?.[1];
        if (url) resolve(url);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`lifeline-centre exited (${code}) before it listened: ${output}`)));
    });
    return instance;
  }

  /** SIGTERM (a clean stop) or SIGKILL (a crash), and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
