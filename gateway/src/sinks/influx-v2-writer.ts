import { HttpError, InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import { gatewayError, type LifelineError } from '../errors.js';
import { influxHttpError, type LineWriter } from './influx-sink.js';
import { describe } from './influx-v1-writer.js';

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
  readonly #api: WriteApi;

  constructor(options: InfluxV2Options) {
    this.#options = options;
    this.target = `${options.url} org=${options.org} bucket=${options.bucket}`;
    const client = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs });
    this.#api = client.getWriteApi(options.org, options.bucket, 'ms', {
      maxRetries: 0,
      // Never flush on its own: each delivery writes and flushes once.
      flushInterval: 0,
      // Larger than any one delivery (50 batches × 500 readings), so only our flush sends. The client preallocates it.
      batchSize: 100_000,
      writeFailed: (error) => Promise.reject(this.#classify(error)),
    });
  }

  async write(lines: readonly string[]): Promise<void> {
    this.#api.writeRecords([...lines]);
    await this.#api.flush();
  }

  async close(): Promise<void> {
    await this.#api.close().catch(() => undefined);
  }

  #classify(error: Error): LifelineError {
    if (error instanceof HttpError) return influxHttpError(this.#options.sink, this.target, error.statusCode, error.body ?? error.message);
    return gatewayError('LL_ERR_INFLUX_UNREACHABLE', this.#options.sink, this.target, describe(error));
  }
}
