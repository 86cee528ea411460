import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer, terminate } from './child-process.js';
import { freePort } from './free-port.js';

/** Debian's influxdb package (1.x) puts the server here. */
export const INFLUXD = '/usr/bin/influxd';

/**
 * A real InfluxDB 1.x on free loopback ports with its data in a temp folder,
 * for the v1 `/write` sink's tests; queried back with InfluxQL over HTTP.
 * `stop()` then `start()` again keeps the data (an outage test); `dispose()` removes it.
 */
export class InfluxDb1Server {
  port = 0;
  #bindPort = 0;
  #process: ServerProcess | undefined;
  #dir: string | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.#dir) {
      this.#dir = await mkdtemp(join(tmpdir(), 'lifeline-influxdb-'));
      this.port = await freePort();
      this.#bindPort = await freePort();
    }
    const dir = this.#dir;
    const conf = join(dir, 'influxdb.conf');
    await writeFile(
      conf,
      [
        'reporting-enabled = false',
        `bind-address = "127.0.0.1:${this.#bindPort}"`,
        '[meta]',
        `  dir = "${join(dir, 'meta')}"`,
        '[data]',
        `  dir = "${join(dir, 'data')}"`,
        `  wal-dir = "${join(dir, 'wal')}"`,
        '  query-log-enabled = false',
        '[monitor]',
        '  store-enabled = false',
        '[http]',
        `  bind-address = "127.0.0.1:${this.port}"`,
        '  log-enabled = false',
        '[subscriber]',
        '  enabled = false',
        '',
      ].join('\n'),
    );
    this.#process = await startServer(INFLUXD, ['run', '-config', conf], this.port, 15_000);
    await this.#waitReady();
  }

  /** Runs InfluxQL (GET /query) and returns the first series' rows as objects. */
  async query(db: string, q: string): Promise<Record<string, unknown>[]> {
    const url = new URL('/query', this.url);
    url.searchParams.set('db', db);
    url.searchParams.set('q', q);
    url.searchParams.set('epoch', 'ms');
    const res = await fetch(url, { method: 'POST' });
    const body = (await res.json()) as {
      results: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[];
    };
    const result = body.results[0];
    if (result?.error) throw new Error(`InfluxQL ${q}: ${result.error}`);
    const series = result?.series ?? [];
    return series.flatMap((s) => s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]]))));
  }

  async createDatabase(db: string): Promise<void> {
    await this.query(db, `CREATE DATABASE "${db}"`);
  }

  async stop(): Promise<void> {
    const server = this.#process;
    this.#process = undefined;
    await terminate(server);
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }

  async #waitReady(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const ok = await fetch(new URL('/ping', this.url)).then(
        (r) => r.status === 204,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`influxd did not answer /ping\n${this.#process?.log() ?? ''}`);
  }
}
