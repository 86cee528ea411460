import type { GatewayEventSource } from '../../events/gateway-events.js';
import type { HistorySample, HistorySource } from './history-source.js';

/**
 * A fixed-size ring buffer of numeric samples per point, fed from the live
 * state. Booleans are stored as 0/1 so digital points trend as steps; bad
 * readings are skipped (a gap, not a false zero).
 */
export class RingHistory implements HistorySource {
  readonly #capacity: number;
  readonly #rings = new Map<string, Ring>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Starts recording from `live`; returns the function that stops it. */
  attach(events: GatewayEventSource): () => void {
    return events.on('readings', (readings) => {
      for (const r of readings) {
        if (r.quality === 'bad' || r.value === undefined) continue;
        const value = typeof r.value === 'boolean' ? Number(r.value) : r.value;
        if (Number.isFinite(value)) this.record(r.device, r.point, r.sourceTs, value);
      }
    });
  }

  record(device: string, point: string, ts: number, value: number): void {
    const key = `${device}\u0000${point}`;
    let ring = this.#rings.get(key);
    if (!ring) {
      ring = { ts: new Float64Array(this.#capacity), values: new Float64Array(this.#capacity), next: 0, size: 0 };
      this.#rings.set(key, ring);
    }
    ring.ts[ring.next] = ts;
    ring.values[ring.next] = value;
    ring.next = (ring.next + 1) % this.#capacity;
    ring.size = Math.min(ring.size + 1, this.#capacity);
  }

  history(device: string, point: string, sinceMs: number): HistorySample[] {
    const ring = this.#rings.get(`${device}\u0000${point}`);
    if (!ring) return [];
    const out: HistorySample[] = [];
    const start = (ring.next - ring.size + this.#capacity) % this.#capacity;
    for (let i = 0; i < ring.size; i++) {
      const at = (start + i) % this.#capacity;
      const ts = ring.ts[at] as number;
      if (ts >= sinceMs) out.push({ ts, value: ring.values[at] as number });
    }
    return out;
  }
}

interface Ring {
  readonly ts: Float64Array;
  readonly values: Float64Array;
  next: number;
  size: number;
}
