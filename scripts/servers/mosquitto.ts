import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer, terminate } from './child-process.js';
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
  #process: ServerProcess | undefined;
  #dir: string | undefined;

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
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      ...(this.#options.listener ?? []),
      'allow_anonymous true',
      // As deploy/mosquitto/mosquitto.conf: no Nagle delay on small packets (alarms).
      'set_tcp_nodelay true',
      ...persistence,
    ];
    await writeFile(conf, `${lines.join('\n')}\n`);
    this.#process = await startServer(MOSQUITTO, ['-c', conf], this.port, 5000);
  }

  /** The server's process id while it runs (benchmarks read its CPU time from /proc). */
  get pid(): number | undefined {
    return this.#process?.child.pid;
  }

  /** Sends the broker process a signal: SIGSTOP makes every link to it half-open (TCP up, no MQTT answers), SIGCONT resumes it. */
  signal(signal: NodeJS.Signals): void {
    this.#process?.child.kill(signal);
  }

  async stop(): Promise<void> {
    const server = this.#process;
    this.#process = undefined;
    await terminate(server);
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
