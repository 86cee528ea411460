import { PointMap, type Reading } from '@lifeline/core';
import type { GatewayEventSource } from '../../events/gateway-events.js';
import type { HistorySample, HistorySource } from './history-source.js';
import { type PointRing, RingSlabs } from './point-ring.js';

/** Bucketed history that outlives the process: the durable LocalHistory in `store/` (SQLite) has this shape. */
export interface TrendSource {
  trend(device: string, point: string, fromMs: number, toMs: number): readonly { readonly ts: number; readonly avg: number }[];
}

export interface TrendHistoryOptions {
  /** Samples kept per point at full resolution (`http.historyPerPoint`). */
  readonly capacity: number;
  /** Older than the ring's oldest sample, trends come from here; without it, only the ring. */
  readonly durable?: TrendSource | undefined;
  /** The gateway's clock: "now" for a point the ring has no sample of. */
  readonly now: () => number;
}

/**
 * The dashboard's trends: the newest `capacity` samples per point at full
 * resolution, in a ring fed from the event bus, in front of the durable
 * bucketed history. A query takes what the ring covers from the ring and the
 * rest (older than its oldest sample, across restarts and past its capacity)
 * as bucket averages from the durable history. Booleans trend as 0/1 steps;
 * bad readings are gaps, not false zeros.
 */
export class TrendHistory implements HistorySource {
  readonly #options: TrendHistoryOptions;
  readonly #rings = new PointMap<PointRing>();
  readonly #slabs: RingSlabs;

  constructor(options: TrendHistoryOptions) {
    this.#options = options;
    this.#slabs = new RingSlabs(options.capacity);
  }

  /** Starts recording the bus's readings; returns the function that stops it. */
  attach(events: GatewayEventSource): () => void {
    return events.on('readings', (readings) => this.recordReadings(readings));
  }

  recordReadings(readings: readonly Reading[]): void {
    for (const r of readings) {
      if (r.quality === 'bad' || r.value === undefined) continue;
      const value = typeof r.value === 'boolean' ? Number(r.value) : r.value;
      if (Number.isFinite(value)) this.record(r.device, r.point, r.sourceTs, value);
    }
  }

  record(device: string, point: string, ts: number, value: number): void {
    let ring = this.#rings.get(device, point);
    if (!ring) {
      ring = this.#slabs.next();
      this.#rings.set(device, point, ring);
    }
    ring.push(ts, value);
  }

  /** Samples at or after `sinceMs`, oldest first: durable bucket averages, then the ring. */
  history(device: string, point: string, sinceMs: number): HistorySample[] {
    const recent = this.#rings.get(device, point)?.since(sinceMs) ?? [];
    const durable = this.#options.durable;
    const recentFrom = recent[0]?.ts ?? this.#options.now();
    if (!durable || recentFrom <= sinceMs) return recent;
    const older = durable
      .trend(device, point, sinceMs, recentFrom)
      .filter((b) => b.ts < recentFrom)
      .map((b) => ({ ts: b.ts, value: b.avg }));
    return [...older, ...recent];
  }
}
