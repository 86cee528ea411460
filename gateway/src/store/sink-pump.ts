import { type BackoffPolicy, backoffDelay, type Clock, type TimerHandle } from '@lifeline/core';
import type { Logger } from 'pino';
import { isTransientError } from '../errors.js';
import type { OutboxRecord } from './outbox-record.js';
import type { Sink } from './outbox-sink.js';
import { LANES, type Lane, type OutboxCursor, type OutboxStore } from './outbox-store.js';

/** Reads typed records after a cursor (the Outbox decodes and shares them between pumps). */
export type RecordReader = (cursor: OutboxCursor, n: number) => OutboxRecord[];

export interface PumpOptions {
  /** Records per delivery, per lane. */
  readonly batch: Readonly<Record<Lane, number>>;
  /** Historical (backlog) records per second, except alarms: keeps the link free for live data. */
  readonly replayRatePerS: number;
  readonly backoff: BackoffPolicy;
}

/**
 * Moves one sink's cursor through the outbox: alarm lane first on every turn,
 * so a live alarm waits at most for the one delivery in flight; backlog is
 * paced at `replayRatePerS`; the cursor moves only after the sink confirms.
 */
export class SinkPump {
  readonly sink: Sink;
  readonly #store: OutboxStore;
  readonly #read: RecordReader;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #options: PumpOptions;
  #running = false;
  #wake: (() => void) | undefined;
  #timer: TimerHandle | undefined;
  #attempt = 0;
  #nextBacklogAt = 0;
  #backoffUntil = 0;
  #loop: Promise<void> | undefined;

  constructor(sink: Sink, store: OutboxStore, read: RecordReader, clock: Clock, log: Logger, options: PumpOptions) {
    this.sink = sink;
    this.#store = store;
    this.#read = read;
    this.#clock = clock;
    this.#log = log.child({ sink: sink.name });
    this.#options = options;
    sink.onReady(() => this.wake());
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops taking new work; `stopped` resolves when the delivery in flight (if any) has settled. */
  halt(): void {
    this.#running = false;
    this.wake();
  }

  get stopped(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  /** New records: look again now, unless the sink is backing off after a failure. */
  notify(): void {
    if (this.#clock.now() >= this.#backoffUntil) this.wake();
  }

  /** A reconnect or stop: look again now. */
  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let next: { records: OutboxRecord[]; waitMs: number | undefined };
      try {
        next = this.sink.ready ? this.#next() : { records: [], waitMs: undefined };
      } catch (e) {
        // The store failed (disk I/O): say so and try again later rather than die with an unhandled rejection.
        this.#log.error({ err: (e as Error).message }, 'outbox read failed');
        next = { records: [], waitMs: this.#options.backoff.maxMs };
      }
      if (next.records.length === 0) {
        await this.#sleep(next.waitMs);
        continue;
      }
      await this.#deliver(next.records);
    }
  }

  /** The first lane (by priority) with something due; backlog waits for its pace. */
  #next(): { records: OutboxRecord[]; waitMs: number | undefined } {
    const now = this.#clock.now();
    let waitMs: number | undefined;
    for (const lane of LANES) {
      if (!this.sink.lanes.includes(lane)) continue;
      const records = this.#read(this.#store.cursor(this.sink.name, lane), this.#options.batch[lane]);
      if (records.length === 0) continue;
      if (lane !== 'alarm' && this.#historical(records) && now < this.#nextBacklogAt) {
        waitMs = Math.min(waitMs ?? Number.POSITIVE_INFINITY, this.#nextBacklogAt - now);
        continue;
      }
      return { records, waitMs: undefined };
    }
    return { records: [], waitMs };
  }

  async #deliver(records: OutboxRecord[]): Promise<void> {
    const historical = this.#historical(records);
    const last = records[records.length - 1] as OutboxRecord;
    try {
      await this.sink.deliver(records, historical);
      // Confirmed by the server: even if stopping, record it so a restart does not resend.
      this.#store.ack(this.sink.name, last.lane, last.seq);
      this.#attempt = 0;
      if (historical && last.lane !== 'alarm') {
        this.#nextBacklogAt = this.#clock.now() + (records.length * 1000) / this.#options.replayRatePerS;
      }
    } catch (e) {
      this.#attempt += 1;
      const delay = backoffDelay(this.#attempt, this.#options.backoff);
      const level = isTransientError(e) ? 'warn' : 'error';
      this.#log[level]({ err: (e as Error).message, code: (e as { code?: string }).code, retryInMs: delay }, 'delivery failed');
      this.#backoffUntil = this.#clock.now() + delay;
      await this.#sleep(delay);
    }
  }

  #historical(records: readonly OutboxRecord[]): boolean {
    return (records[0] as OutboxRecord).createdAt < this.sink.onlineSince;
  }

  /** Waits for a wake-up, or at most `ms`. */
  #sleep(ms: number | undefined): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      if (ms !== undefined) this.#timer = this.#clock.setTimeout(() => this.wake(), Math.max(1, ms));
    });
  }
}
