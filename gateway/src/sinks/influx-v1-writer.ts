import { gatewayError } from '../errors.js';
import { influxHttpError, type LineWriter } from './influx-sink.js';

export interface InfluxV1Options {
  readonly sink: string;
  readonly url: string;
  readonly database: string;
  readonly retentionPolicy?: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs: number;
}

/**
 * The InfluxDB 1.x `/write` API (docs.influxdata.com/influxdb/v1/tools/api/#write-http-endpoint):
 * `POST /write?db=…&rp=…&precision=ms`, basic auth; 204 on success.
 */
export class InfluxV1Writer implements LineWriter {
  readonly target: string;
  readonly #options: InfluxV1Options;
  readonly #endpoint: string;

  constructor(options: InfluxV1Options) {
    this.#options = options;
    const url = new URL('/write', options.url);
    url.searchParams.set('db', options.database);
    url.searchParams.set('precision', 'ms');
    if (options.retentionPolicy) url.searchParams.set('rp', options.retentionPolicy);
    this.#endpoint = url.toString();
    this.target = `${options.url} db=${options.database}`;
  }

  async write(lines: readonly string[]): Promise<void> {
    const o = this.#options;
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (o.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`;
    }
    let res: Response;
    try {
      res = await fetch(this.#endpoint, { method: 'POST', headers, body: lines.join('\n'), signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (e) {
      throw gatewayError('LL_ERR_INFLUX_UNREACHABLE', o.sink, this.target, describe(e));
    }
    if (!res.ok) throw influxHttpError(o.sink, this.target, res.status, await res.text());
    await res.arrayBuffer();
  }

  async close(): Promise<void> {}
}

export function describe(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
