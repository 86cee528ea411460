import { systemClock } from '@lifeline/core';
import {
  consumers,
  isFullTwin,
  LANES,
  type Lane,
  type OutboxCursor,
  type OutboxEntry,
  type OutboxStats,
  type OutboxStore,
  type OutboxStoreOptions,
  payloadBytes,
  perLane,
  type SinkLanes,
  type StoredRecord,
} from './outbox-store.js';

/**
 * The outbox in memory: same contract as the SQLite store, nothing survives a
 * restart. For tests and for gateways without a writable disk.
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly #options: OutboxStoreOptions;
  readonly #now: () => number;
  readonly #lanes: Record<Lane, StoredRecord[]> = perLane(() => []);
  readonly #cursors = new Map<string, number>();
  #seq = 0;
  #bytes = 0;
  #evicted = 0;
  #expired = 0;

  constructor(options: OutboxStoreOptions) {
    this.#options = options;
    // The store has no clock of its own: the owner passes its Clock's now (tests a fixed one).
    this.#now = options.now ?? systemClock.now;
  }

  get sinks(): SinkLanes {
    return this.#options.sinks;
  }

  append(entries: readonly OutboxEntry[]): StoredRecord[] {
    const createdAt = this.#now();
    const records = entries.map((e): StoredRecord => {
      this.#seq += 1;
      return { lane: e.lane, topic: e.topic, payload: e.payload, retain: e.retain ?? false, seq: this.#seq, createdAt };
    });
    for (const r of records) {
      if (consumers(this.#options.sinks, r.lane).length === 0) continue;
      if (isFullTwin(r)) this.#drop('twin', () => true);
      this.#lanes[r.lane].push(r);
      this.#bytes += payloadBytes(r);
    }
    this.#enforceBudget();
    return records;
  }

  read(cursor: OutboxCursor, n: number): StoredRecord[] {
    const lane = this.#lanes[cursor.lane];
    const out: StoredRecord[] = [];
    for (const r of lane) {
      if (r.seq <= cursor.after) continue;
      out.push(r);
      if (out.length >= n) break;
    }
    return out;
  }

  cursor(sink: string, lane: Lane): OutboxCursor {
    return { sink, lane, after: this.#cursors.get(`${sink}\u0000${lane}`) ?? 0 };
  }

  ack(sink: string, lane: Lane, seq: number): void {
    const key = `${sink}\u0000${lane}`;
    this.#cursors.set(key, Math.max(this.#cursors.get(key) ?? 0, seq));
    const held = Math.min(...consumers(this.#options.sinks, lane).map((s) => this.cursor(s, lane).after));
    this.#drop(lane, (r) => r.seq <= held);
  }

  expire(): number {
    if (this.#options.telemetryRetentionMs <= 0) return 0;
    const before = this.#now() - this.#options.telemetryRetentionMs;
    const n = this.#drop('telemetry', (r) => r.createdAt < before);
    this.#expired += n;
    return n;
  }

  stats(): OutboxStats {
    const lanes = Object.fromEntries(
      LANES.map((l) => [l, { depth: this.#lanes[l].length, bytes: this.#lanes[l].reduce((sum, r) => sum + payloadBytes(r), 0) }]),
    ) as OutboxStats['lanes'];
    const sinks = Object.fromEntries(
      Object.entries(this.#options.sinks).map(([sink, sinkLanes]) => [
        sink,
        Object.fromEntries(
          sinkLanes.map((l) => {
            const after = this.cursor(sink, l).after;
            return [l, { cursor: after, pending: this.#lanes[l].filter((r) => r.seq > after).length }];
          }),
        ),
      ]),
    );
    return {
      lanes,
      bytes: this.#bytes,
      budgetBytes: this.#options.budgetBytes,
      evicted: this.#evicted,
      expired: this.#expired,
      lastSeq: this.#seq,
      sinks,
    };
  }

  /** Nothing to put on disk. */
  async sync(): Promise<void> {}

  close(): void {
    for (const l of LANES) this.#lanes[l] = [];
  }

  /** Oldest telemetry first, until the store fits its budget; alarms and twin are never touched. */
  #enforceBudget(): void {
    const telemetry = this.#lanes.telemetry;
    let n = 0;
    let bytes = this.#bytes;
    while (bytes > this.#options.budgetBytes && n < telemetry.length) {
      bytes -= payloadBytes(telemetry[n] as StoredRecord);
      n += 1;
    }
    if (n === 0) return;
    const cut = (telemetry[n - 1] as StoredRecord).seq;
    this.#evicted += this.#drop('telemetry', (r) => r.seq <= cut);
  }

  #drop(lane: Lane, gone: (r: StoredRecord) => boolean): number {
    const kept: StoredRecord[] = [];
    let n = 0;
    for (const r of this.#lanes[lane]) {
      if (!gone(r)) kept.push(r);
      else {
        n += 1;
        this.#bytes -= payloadBytes(r);
      }
    }
    this.#lanes[lane] = kept;
    return n;
  }
}
