import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminate } from './child-process.js';
import { freePort } from './free-port.js';
import { waitForPort } from './mosquitto.js';

/** Debian's victoria-metrics package puts the single-node server here. */
export const VICTORIA_METRICS = '/usr/bin/victoria-metrics';

export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: number[];
  readonly timestamps: number[];
}

/**
 * A real VictoriaMetrics on a free loopback port: it accepts the InfluxDB v2
 * write API (`/api/v2/write`), so it tests the v2 sink; read back through
 * `/api/v1/export`. Measurement `m` and field `f` become the metric `m_f`.
 */
export class VictoriaMetricsServer {
  port = 0;
  #process: ChildProcess | undefined;
  #dir: string | undefined;
  #log = '';

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.#dir) {
      this.#dir = await mkdtemp(join(tmpdir(), 'lifeline-vm-'));
      this.port = await freePort();
    }
    const child = spawn(
      VICTORIA_METRICS,
      [
        `-storageDataPath=${this.#dir}`,
        `-httpListenAddr=127.0.0.1:${this.port}`,
        '-retentionPeriod=100y',
        '-search.latencyOffset=0s',
        '-loggerLevel=ERROR',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#process = child;
    child.stdout?.on('data', (d: Buffer) => (this.#log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.#log += d.toString()));
    await waitForPort(this.port, 15_000, () => this.#log);
  }

  /** Every sample of the series matching `selector`, after forcing a flush of recent writes. */
  async export(selector: string): Promise<ExportedSeries[]> {
    await fetch(new URL('/internal/force_flush', this.url));
    const url = new URL('/api/v1/export', this.url);
    url.searchParams.set('match[]', selector);
    url.searchParams.set('start', '0');
    const text = await (await fetch(url)).text();
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ExportedSeries);
  }

  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    await terminate(child);
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}
