import type { HttpError, WriteApi } from '@influxdata/influxdb-client';
import { gatewayError, type LifelineError } from '../errors.js';
import { influxHttpError, type LineWriter } from './influx-sink.js';
import { describe } from './influx-v1-writer.js';

type InfluxClient = typeof import('@influxdata/influxdb-client');
let loaded: Promise<InfluxClient> | undefined;

/** The client costs ~17 MB of RSS once loaded (docs/BENCHMARKS.md), so only a site with a v2 sink loads it. */
function influxClient(): Promise<InfluxClient> {
  loaded ??= import('@influxdata/influxdb-client');
  return loaded;
}

export interface InfluxV2Options {
  readonly sink: string;
  readonly url: string;
  readonly org: string;
  readonly bucket: string;
  readonly token: string;
  readonly timeoutMs: number;
}

/**
 * The InfluxDB v2 write API (`POST /api/v2/write`, InfluxDB 2.x/3.x and 1.8+)
 * through @influxdata/influxdb-client. The client's own retry buffer is off
 * (maxRetries 0): the outbox is the buffer, and a failed flush must reject so
 * the cursor stays.
 */
export class InfluxV2Writer implements LineWriter {
  readonly target: string;
  readonly #options: InfluxV2Options;
  readonly #api: Promise<WriteApi>;
  #httpError: typeof HttpError | undefined;

  constructor(options: InfluxV2Options) {
    this.#options = options;
    this.target = `${options.url} org=${options.org} bucket=${options.bucket}`;
    this.#api = influxClient().then((influx) => this.#open(influx));
    // A failed load surfaces on the first write (the outbox retries it), not as an unhandled rejection.
    this.#api.catch(() => undefined);
  }

  async write(lines: readonly string[]): Promise<void> {
    const api = await this.#api;
    api.writeRecords([...lines]);
    await api.flush();
  }

  async close(): Promise<void> {
    await this.#api.then((api) => api.close()).catch(() => undefined);
  }

  #open(influx: InfluxClient): WriteApi {
    this.#httpError = influx.HttpError;
    const options = this.#options;
    const client = new influx.InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs });
    return client.getWriteApi(options.org, options.bucket, 'ms', {
      maxRetries: 0,
      // Never flush on its own: each delivery writes and flushes once.
      flushInterval: 0,
      // Larger than any one delivery (50 batches × 500 readings), so only our flush sends. The client preallocates it.
      batchSize: 100_000,
      writeFailed: (error) => Promise.reject(this.#classify(error)),
    });
  }

  #classify(error: Error): LifelineError {
    if (this.#httpError && error instanceof this.#httpError)
      return influxHttpError(this.#options.sink, this.target, error.statusCode, error.body ?? error.message);
    return gatewayError('LL_ERR_INFLUX_UNREACHABLE', this.#options.sink, this.target, describe(error));
  }
}
