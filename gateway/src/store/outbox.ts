import { type Clock, DEFAULTS, type TimerHandle } from '@lifeline/core';
import type { Logger } from 'pino';
import { type OutboxRecord, typed } from './outbox-record.js';
import type { Sink, SinkHealth } from './outbox-sink.js';
import type { OutboxCursor, OutboxEntry, OutboxStats, OutboxStore, StoredRecord } from './outbox-store.js';
import { type PumpOptions, SinkPump } from './sink-pump.js';

export interface OutboxView {
  readonly stats: OutboxStats;
  readonly sinks: Record<string, SinkHealth>;
}

/**
 * Typed records kept so that sinks reading the same seqs (live, they read right
 * after each commit) share one decode; small, since a telemetry batch may be
 * tens of kB and the store, not this cache, is the buffer. Bounded by payload
 * characters as well as by count: a full twin of a 10k-point site is ~1.8 MB,
 * and 256 of them (and their decoded bodies) held ~14 MB of heap (docs/BENCHMARKS.md).
 */
const SHARED_RECORDS = 256;
const SHARED_CHARS = 2 * 1024 * 1024;

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
  readonly #syncEveryMs: number;
  /** seq → typed record, oldest first: sinks reading the same record share one decode. */
  readonly #typed = new Map<number, OutboxRecord>();
  /** Payload characters held in `#typed`. */
  #typedChars = 0;
  #expireTimer: TimerHandle | undefined;
  #syncTimer: TimerHandle | undefined;
  #started = false;

  constructor(store: OutboxStore, clock: Clock, log: Logger, options: PumpOptions & { expireEveryMs?: number; syncEveryMs?: number }) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log.child({ subsystem: 'outbox' });
    this.#pumpOptions = options;
    this.#expireEveryMs = options.expireEveryMs ?? 60_000;
    this.#syncEveryMs = options.syncEveryMs ?? DEFAULTS.outboxSyncIntervalMs;
  }

  /**
   * Adds a sink before start. Its name and lanes must be those the store was
   * opened with (the store keeps records for them): a mismatch is a wiring bug,
   * refused here rather than found as records never freed or never kept.
   */
  addSink(sink: Sink): void {
    if (this.#started) throw new Error(`sink "${sink.name}" added after the outbox started`);
    if (this.#pumps.some((p) => p.sink.name === sink.name)) throw new Error(`sink "${sink.name}" added twice`);
    const declared = this.#store.sinks[sink.name] ?? [];
    if (declared.length !== sink.lanes.length || !sink.lanes.every((l) => declared.includes(l))) {
      throw new Error(`sink "${sink.name}" takes [${sink.lanes.join(', ')}] but the outbox store holds [${declared.join(', ')}] for it`);
    }
    this.#pumps.push(new SinkPump(sink, this.#store, (c, n) => this.#read(c, n), this.#clock, this.#log, this.#pumpOptions));
  }

  get sinks(): readonly Sink[] {
    return this.#pumps.map((p) => p.sink);
  }

  /** Commits entries durably, then wakes the pumps: an alarm goes out at once, never after a batch timer. */
  enqueue(...entries: OutboxEntry[]): StoredRecord[] {
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
    this.#scheduleSync();
  }

  async stop(): Promise<void> {
    if (this.#expireTimer !== undefined) this.#clock.clearTimeout(this.#expireTimer);
    this.#expireTimer = undefined;
    if (this.#syncTimer !== undefined) this.#clock.clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    // Halt first, then stop the sinks (which fails any delivery still waiting for its server), then wait.
    for (const pump of this.#pumps) pump.halt();
    await Promise.all(this.#pumps.map((p) => p.sink.stop()));
    await Promise.all(this.#pumps.map((p) => p.stopped));
    await this.#sync();
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

  /** Typed records from the store, each decoded once while any sink may still read it. */
  #read(cursor: OutboxCursor, n: number): OutboxRecord[] {
    return this.#store.read(cursor, n).map((stored) => {
      const known = this.#typed.get(stored.seq);
      if (known) return known;
      const record = typed(stored);
      // One larger than the whole cache is not kept: as the newest it would stay until the next read (a 100k-point
      // site's full twin is 20 MB), and no sink decodes a twin record's body.
      if (stored.payload.length > SHARED_CHARS) return record;
      this.#typed.set(stored.seq, record);
      this.#typedChars += stored.payload.length;
      this.#trimShared();
      return record;
    });
  }

  /** Drops the oldest shared records past either bound; the newest always stays, so a live read still shares it. */
  #trimShared(): void {
    while (this.#typed.size > 1 && (this.#typed.size > SHARED_RECORDS || this.#typedChars > SHARED_CHARS)) {
      const [seq, oldest] = this.#typed.entries().next().value as [number, OutboxRecord];
      this.#typed.delete(seq);
      this.#typedChars -= oldest.payload.length;
    }
  }

  /** What was committed without a sync reaches the disk within `syncEveryMs` (SYNCED_LANES). */
  #scheduleSync(): void {
    this.#syncTimer = this.#clock.setTimeout(() => {
      void this.#sync().finally(() => {
        if (this.#syncTimer !== undefined) this.#scheduleSync();
      });
    }, this.#syncEveryMs);
  }

  #sync(): Promise<void> {
    return this.#store.sync().catch((e: Error) => this.#log.warn({ err: e.message }, 'outbox sync failed; retried at the next interval'));
  }

  #scheduleExpiry(): void {
    this.#expireTimer = this.#clock.setTimeout(() => {
      const n = this.#store.expire();
      if (n > 0) this.#log.warn({ expired: n }, 'telemetry past retention dropped');
      this.#scheduleExpiry();
    }, this.#expireEveryMs);
  }
}
