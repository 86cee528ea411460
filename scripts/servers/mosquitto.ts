import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminate } from './child-process.js';
import { freePort } from './free-port.js';

/** Debian's mosquitto package puts the broker here. */
export const MOSQUITTO = '/usr/sbin/mosquitto';

/**
 * A real Mosquitto broker on a free loopback port, as the monitoring centre's
 * broker: started by integration tests and benchmarks alike (dev-only code).
 */
export interface MosquittoOptions {
  /** Keep sessions and queued messages across a restart (saved on stop); for outage tests. */
  readonly persistence?: boolean;
  /** Extra lines for the listener, e.g. TLS (`cafile`, `certfile`, `keyfile`, `require_certificate true`). */
  readonly listener?: readonly string[];
  /** `mqtts://` instead of `mqtt://` in `url`. */
  readonly tls?: boolean;
}

export class MosquittoBroker {
  port = 0;
  readonly #options: MosquittoOptions;
  #process: ChildProcess | undefined;
  #dir: string | undefined;
  #log = '';

  constructor(options: MosquittoOptions = {}) {
    this.#options = options;
  }

  get url(): string {
    return `${this.#options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  /** A restart after `stop()` reuses the port, so clients reconnect to it (outage tests). */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    this.#dir ??= await mkdtemp(join(tmpdir(), 'lifeline-mosquitto-'));
    // Started as root, mosquitto drops to its own user, which must be able to save its database here.
    if (this.#options.persistence) await chmod(this.#dir, 0o777);
    const conf = join(this.#dir, 'mosquitto.conf');
    const persistence = this.#options.persistence ? ['persistence true', `persistence_location ${this.#dir}/`] : ['persistence false'];
    const lines = [`listener ${this.port} 127.0.0.1`, ...(this.#options.listener ?? []), 'allow_anonymous true', ...persistence];
    await writeFile(conf, `${lines.join('\n')}\n`);
    const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#process = child;
    child.stdout?.on('data', (d: Buffer) => (this.#log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.#log += d.toString()));
    await waitForPort(this.port, 5000, () => this.#log);
  }

  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    await terminate(child);
    // A persistent broker keeps its folder for the restart; `dispose()` removes it.
    if (!this.#options.persistence) await this.#removeDir();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await this.#removeDir();
  }

  async #removeDir(): Promise<void> {
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}

export async function waitForPort(port: number, timeoutMs: number, diagnostics: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms\n${diagnostics()}`);
}
