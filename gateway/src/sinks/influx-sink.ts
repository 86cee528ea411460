import type { Clock } from '@lifeline/core';
import type { Logger } from 'pino';
import { gatewayError, type LifelineError } from '../errors.js';
import type { OutboxRecord } from '../store/outbox-record.js';
import type { Sink, SinkHealth } from '../store/outbox-sink.js';
import type { Lane } from '../store/outbox-store.js';
import { alarmToLine, batchToLines, type LineIdentity } from './line-protocol.js';

/** What InfluxDB stores: readings for trends, alarm events for the timeline (twin patches are state, not series). */
export const INFLUX_LANES: readonly Lane[] = ['alarm', 'telemetry'];

/** Writes line protocol somewhere; throws a coded error (transient or not) on failure. */
export interface LineWriter {
  /** Where it writes, for logs and errors (no secrets). */
  readonly target: string;
  write(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The InfluxDB sink: the telemetry and alarm lanes as line protocol, one
 * write per delivery. Writes are idempotent in InfluxDB (same series and timestamp
 * overwrite), so a redelivery after a crash stores nothing twice.
 */
export class InfluxSink implements Sink {
  readonly name: string;
  readonly lanes: readonly Lane[] = INFLUX_LANES;
  readonly #writer: LineWriter;
  readonly #identity: LineIdentity;
  readonly #clock: Clock;
  readonly #log: Logger;
  #onlineSince: number;
  #delivered = 0;
  #lastError: { code: string; message: string; at: string } | undefined;

  constructor(name: string, writer: LineWriter, identity: LineIdentity, clock: Clock, log: Logger) {
    this.name = name;
    this.#writer = writer;
    this.#identity = identity;
    this.#clock = clock;
    this.#onlineSince = clock.now();
    this.#log = log.child({ sink: name });
  }

  /** Always worth a try: failures back off in the pump. */
  get ready(): boolean {
    return true;
  }

  get onlineSince(): number {
    return this.#onlineSince;
  }

  onReady(): void {}

  start(): void {
    this.#onlineSince = this.#clock.now();
  }

  async stop(): Promise<void> {
    await this.#writer.close();
  }

  async deliver(records: readonly OutboxRecord[]): Promise<void> {
    const lines = records.flatMap((r) => this.#lines(r));
    try {
      if (lines.length > 0) await this.#writer.write(lines);
    } catch (e) {
      const err = e as LifelineError;
      this.#lastError = {
        code: err.code ?? 'LL_ERR_INFLUX_UNREACHABLE',
        message: err.message,
        at: new Date(this.#clock.now()).toISOString(),
      };
      throw e;
    }
    this.#lastError = undefined;
    this.#delivered += records.length;
  }

  health(): SinkHealth {
    return { ready: this.#lastError === undefined, delivered: this.#delivered, ...(this.#lastError ? { lastError: this.#lastError } : {}) };
  }

  #lines(record: OutboxRecord): string[] {
    try {
      if (record.kind === 'alarm') return [alarmToLine(record.body, this.#identity)];
      if (record.kind === 'telemetry') return batchToLines(record.body, this.#identity);
      return [];
    } catch (e) {
      // Only the gateway writes the outbox, so this is a bug, not bad input; skipping keeps the sink moving.
      this.#log.error({ seq: record.seq, lane: record.lane, err: (e as Error).message }, 'unreadable outbox record skipped');
      return [];
    }
  }
}

/** HTTP status → coded error: 4xx is a config problem (not retried blindly), the rest transient. */
export function influxHttpError(sink: string, target: string, status: number, body: string): LifelineError {
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return gatewayError('LL_ERR_INFLUX_REJECTED', sink, target, status, body.slice(0, 200));
  }
  return gatewayError('LL_ERR_INFLUX_UNREACHABLE', sink, target, `HTTP ${status} ${body.slice(0, 200)}`);
}
