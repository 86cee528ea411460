import { spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer, terminate } from './child-process.js';
import { freePort } from './free-port.js';

/** Debian's postgresql-15 package puts its server binaries here. */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
export const POSTGRES = join(POSTGRES_BIN, 'postgres');

/** initdb refuses to run as root: as root, the server runs as `nobody` (setpriv execs, so signals reach postgres itself). */
const NOBODY = { uid: 65534, gid: 65534 };
const asServerUser = (bin: string, args: readonly string[]): [string, string[]] =>
  process.getuid?.() === 0
    ? ['/usr/bin/setpriv', [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', bin, ...args]]
    : [bin, [...args]];

/**
 * A real PostgreSQL server in a temporary data directory on a free loopback
 * port (its unix socket in the same directory), for the centre's tests and
 * benchmarks (dev-only code). Durability is off (fsync, synchronous_commit):
 * the data dir is thrown away, and the machines are shared.
 */
export class PostgresServer {
  port = 0;
  readonly user = 'lifeline';
  #dir: string | undefined;
  #process: ServerProcess | undefined;

  get url(): string {
    return `postgres://${this.user}@127.0.0.1:${this.port}/postgres`;
  }

  /** A restart after `stop()` keeps the data and the port (restart tests). */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    if (!this.#dir) {
      this.#dir = await mkdtemp(join(tmpdir(), 'lifeline-postgres-'));
      if (process.getuid?.() === 0) await chown(this.#dir, NOBODY.uid, NOBODY.gid);
      await run(
        ...asServerUser(join(POSTGRES_BIN, 'initdb'), ['-D', this.#data, '-U', this.user, '-A', 'trust', '-E', 'UTF8', '--no-sync']),
      );
    }
    const settings = ['listen_addresses=127.0.0.1', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'];
    const args = ['-D', this.#data, '-p', String(this.port), '-k', this.#dir, ...settings.flatMap((s) => ['-c', s])];
    this.#process = await startServer(...asServerUser(POSTGRES, args), this.port, 15_000);
    await this.#ready(15_000);
  }

  /** The server's process id while it runs (benchmarks read its CPU time from /proc). */
  get pid(): number | undefined {
    return this.#process?.child.pid;
  }

  /** The port opens before recovery ends ("the database system is starting up"): wait for pg_isready. */
  async #ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await run(join(POSTGRES_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port), '-U', this.user, '-q']).then(
        () => true,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`postgres on ${this.port} not ready after ${timeoutMs} ms: ${this.#process?.log() ?? ''}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * SIGTERM is PostgreSQL's smart shutdown, which waits for every client to
   * leave; `fast` (SIGINT) disconnects them, as a crash or failover would
   * look to the clients (restart tests).
   */
  async stop(mode: 'smart' | 'fast' = 'smart'): Promise<void> {
    const server = this.#process;
    this.#process = undefined;
    await terminate(server, mode === 'fast' ? 'SIGINT' : 'SIGTERM');
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }

  get #data(): string {
    return join(this.#dir as string, 'data');
  }
}

function run(bin: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited ${code}: ${output}`))));
  });
}
