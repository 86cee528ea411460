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
 * Moves one sink's cursors through the outbox, the cursor of a lane only
 * after the sink confirms. Two tracks, each with one delivery in flight: the
 * alarm lane's, and the other lanes' in priority order with the backlog paced
 * at `replayRatePerS`. So a live alarm never waits for the confirmation of a
 * telemetry batch or twin patch in flight — over a cellular link that is a
 * round trip or more — and alarms stay in seq order among themselves.
 */
export class SinkPump {
  readonly sink: Sink;
  readonly #tracks: PumpTrack[];

  constructor(sink: Sink, store: OutboxStore, read: RecordReader, clock: Clock, log: Logger, options: PumpOptions) {
    this.sink = sink;
    const childLog = log.child({ sink: sink.name });
    const lanes = LANES.filter((l) => sink.lanes.includes(l));
    this.#tracks = [lanes.filter((l) => l === 'alarm'), lanes.filter((l) => l !== 'alarm')]
      .filter((trackLanes) => trackLanes.length > 0)
      .map((trackLanes) => new PumpTrack(trackLanes, { sink, store, read, clock, log: childLog, options }));
    sink.onReady(() => this.wake());
  }

  start(): void {
    for (const track of this.#tracks) track.start();
  }

  /** Stops taking new work; `stopped` resolves when the deliveries in flight (if any) have settled. */
  halt(): void {
    for (const track of this.#tracks) track.halt();
  }

  get stopped(): Promise<void> {
    return Promise.all(this.#tracks.map((t) => t.stopped)).then(() => undefined);
  }

  /** New records: look again now, unless the sink is backing off after a failure. */
  notify(): void {
    for (const track of this.#tracks) track.notify();
  }

  /** A reconnect or stop: look again now. */
  wake(): void {
    for (const track of this.#tracks) track.wake();
  }
}

interface TrackContext {
  readonly sink: Sink;
  readonly store: OutboxStore;
  readonly read: RecordReader;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: PumpOptions;
}

/** One delivery at a time over `lanes`, the first lane (by priority) with something due first. */
class PumpTrack {
  readonly #lanes: readonly Lane[];
  readonly #c: TrackContext;
  #running = false;
  #wake: (() => void) | undefined;
  #timer: TimerHandle | undefined;
  #attempt = 0;
  #nextBacklogAt = 0;
  #backoffUntil = 0;
  #loop: Promise<void> | undefined;

  constructor(lanes: readonly Lane[], context: TrackContext) {
    this.#lanes = lanes;
    this.#c = context;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  halt(): void {
    this.#running = false;
    this.wake();
  }

  get stopped(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  notify(): void {
    if (this.#c.clock.now() >= this.#backoffUntil) this.wake();
  }

  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    if (this.#timer !== undefined) this.#c.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let next: { records: OutboxRecord[]; waitMs: number | undefined };
      try {
        next = this.#c.sink.ready ? this.#next() : { records: [], waitMs: undefined };
      } catch (e) {
        // The store failed (disk I/O): say so and try again later rather than die with an unhandled rejection.
        this.#c.log.error({ err: (e as Error).message }, 'outbox read failed');
        next = { records: [], waitMs: this.#c.options.backoff.maxMs };
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
    const now = this.#c.clock.now();
    let waitMs: number | undefined;
    for (const lane of this.#lanes) {
      const records = this.#c.read(this.#c.store.cursor(this.#c.sink.name, lane), this.#c.options.batch[lane]);
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
    const { sink, store, clock, options } = this.#c;
    const historical = this.#historical(records);
    const last = records[records.length - 1] as OutboxRecord;
    try {
      await sink.deliver(records, historical);
      // Confirmed by the server: even if stopping, record it so a restart does not resend.
      store.ack(sink.name, last.lane, last.seq);
      this.#attempt = 0;
      if (historical && last.lane !== 'alarm') {
        this.#nextBacklogAt = clock.now() + (records.length * 1000) / options.replayRatePerS;
      }
    } catch (e) {
      this.#attempt += 1;
      const delay = backoffDelay(this.#attempt, options.backoff);
      const level = isTransientError(e) ? 'warn' : 'error';
      this.#c.log[level]({ err: (e as Error).message, code: (e as { code?: string }).code, retryInMs: delay }, 'delivery failed');
      this.#backoffUntil = clock.now() + delay;
      await this.#sleep(delay);
    }
  }

  #historical(records: readonly OutboxRecord[]): boolean {
    return (records[0] as OutboxRecord).createdAt < this.#c.sink.onlineSince;
  }

  /** Waits for a wake-up, or at most `ms`. */
  #sleep(ms: number | undefined): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      if (ms !== undefined) this.#timer = this.#c.clock.setTimeout(() => this.wake(), Math.max(1, ms));
    });
  }
}
