import { type Clock, IsoMemo, PointMap, type Reading, type TimerHandle } from '@lifeline/core';
import type { TelemetryBatch, TelemetryReading } from '@lifeline/twin';
import { type ExceptionPolicy, type LastReported, shouldReport } from './report-by-exception.js';

export interface TelemetryOptions extends ExceptionPolicy {
  readonly bootId: string;
  /** A batch closes this long after its first reading… */
  readonly batchIntervalMs: number;
  /** …or when it holds this many readings, whichever comes first. */
  readonly batchMaxReadings: number;
  readonly unitOf: (device: string, point: string) => string;
}

/**
 * Readings → report-by-exception → batches `{bootId, seq, ts, readings}`
 * handed to `emit` (the outbox's telemetry lane). Owns the batch timer.
 */
export class TelemetryReporter {
  readonly #options: TelemetryOptions;
  readonly #clock: Clock;
  readonly #emit: (batch: TelemetryBatch) => void;
  /** What each point last reported, and its unit (looked up once per point, not per reading). */
  readonly #last = new PointMap<{ -readonly [K in keyof LastReported]: LastReported[K] } & { readonly unit: string }>();
  /** The readings of one poll share a sample time: format it once. */
  readonly #iso = new IsoMemo();
  #pending: TelemetryReading[] = [];
  #timer: TimerHandle | undefined;
  #seq = 0;
  #stopped = false;

  constructor(options: TelemetryOptions, clock: Clock, emit: (batch: TelemetryBatch) => void) {
    this.#options = options;
    this.#clock = clock;
    this.#emit = emit;
  }

  offer(readings: readonly Reading[]): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    for (const r of readings) {
      let last = this.#last.get(r.device, r.point);
      if (!shouldReport(last, r, now, this.#options)) continue;
      if (last) {
        last.value = r.value;
        last.quality = r.quality;
        last.at = now;
      } else {
        last = { value: r.value, quality: r.quality, at: now, unit: this.#options.unitOf(r.device, r.point) };
        this.#last.set(r.device, r.point, last);
      }
      this.#pending.push(telemetryReading(r, last.unit, this.#iso.of(r.sourceTs)));
      if (this.#pending.length >= this.#options.batchMaxReadings) this.flush();
    }
    if (this.#pending.length > 0 && this.#timer === undefined) {
      this.#timer = this.#clock.setTimeout(() => this.flush(), this.#options.batchIntervalMs);
    }
  }

  /** Closes the open batch now (also on stop, so nothing offered is dropped). */
  flush(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const readings = this.#pending;
    this.#pending = [];
    this.#seq += 1;
    this.#emit({ bootId: this.#options.bootId, seq: this.#seq, ts: new Date(this.#clock.now()).toISOString(), readings });
  }

  stop(): void {
    this.flush();
    this.#stopped = true;
  }
}

/** A reading as telemetry carries it; members in the order published, no spread of a temporary object. */
function telemetryReading(r: Reading, unit: string, sourceTs: string): TelemetryReading {
  const value = r.value ?? null;
  return r.reason !== undefined
    ? { device: r.device, point: r.point, value, unit, quality: r.quality, reason: r.reason, sourceTs }
    : { device: r.device, point: r.point, value, unit, quality: r.quality, sourceTs };
}
