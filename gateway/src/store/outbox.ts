import type { Clock, TimerHandle } from '@lifeline/core';
import type { Logger } from 'pino';
import type { OutboxSink } from './outbox-sink.js';
import type { OutboxEntry, OutboxRecord, OutboxStats, OutboxStore } from './outbox-store.js';
import { type PumpOptions, SinkPump } from './sink-pump.js';

export interface OutboxView {
  readonly stats: OutboxStats;
  readonly sinks: Record<string, ReturnType<OutboxSink['health']>>;
}

/**
 * The gateway's one way out: producers `enqueue` (committed before it
 * returns), one pump per sink delivers. Owns the retention timer.
 */
export class Outbox {
  readonly #store: OutboxStore;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pumpOptions: PumpOptions;
  readonly #pumps: SinkPump[] = [];
  readonly #expireEveryMs: number;
  #expireTimer: TimerHandle | undefined;
  #started = false;

  constructor(store: OutboxStore, clock: Clock, log: Logger, options: PumpOptions & { expireEveryMs?: number }) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log.child({ subsystem: 'outbox' });
    this.#pumpOptions = options;
    this.#expireEveryMs = options.expireEveryMs ?? 60_000;
  }

  addSink(sink: OutboxSink): void {
    if (this.#started) throw new Error(`sink "${sink.name}" added after the outbox started`);
    this.#pumps.push(new SinkPump(sink, this.#store, this.#clock, this.#log, this.#pumpOptions));
  }

  get sinks(): readonly OutboxSink[] {
    return this.#pumps.map((p) => p.sink);
  }

  /** Commits entries durably, then wakes the pumps: an alarm goes out at once, never after a batch timer. */
  enqueue(...entries: OutboxEntry[]): OutboxRecord[] {
    const records = this.#store.append(entries);
    for (const pump of this.#pumps) pump.notify();
    return records;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const pump of this.#pumps) {
      pump.sink.start();
      pump.start();
    }
    this.#scheduleExpiry();
  }

  async stop(): Promise<void> {
    if (this.#expireTimer !== undefined) this.#clock.clearTimeout(this.#expireTimer);
    this.#expireTimer = undefined;
    // Halt first, then stop the sinks (which fails any delivery still waiting for its server), then wait.
    for (const pump of this.#pumps) pump.halt();
    await Promise.all(this.#pumps.map((p) => p.sink.stop()));
    await Promise.all(this.#pumps.map((p) => p.stopped));
    this.#started = false;
  }

  /** Closes the store; after `stop()`. */
  close(): void {
    this.#store.close();
  }

  view(): OutboxView {
    return {
      stats: this.#store.stats(),
      sinks: Object.fromEntries(this.#pumps.map((p) => [p.sink.name, p.sink.health()])),
    };
  }

  #scheduleExpiry(): void {
    this.#expireTimer = this.#clock.setTimeout(() => {
      const n = this.#store.expire();
      if (n > 0) this.#log.warn({ expired: n }, 'telemetry past retention dropped');
      this.#scheduleExpiry();
    }, this.#expireEveryMs);
  }
}
