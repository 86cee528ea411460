import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer, terminate } from './child-process.js';
import { freePort } from './free-port.js';

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
  #process: ServerProcess | undefined;
  #dir: string | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.#dir) {
      this.#dir = await mkdtemp(join(tmpdir(), 'lifeline-vm-'));
      this.port = await freePort();
    }
    const args = [
      `-storageDataPath=${this.#dir}`,
      `-httpListenAddr=127.0.0.1:${this.port}`,
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-loggerLevel=ERROR',
    ];
    this.#process = await startServer(VICTORIA_METRICS, args, this.port, 15_000);
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
    const server = this.#process;
    this.#process = undefined;
    await terminate(server);
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}
