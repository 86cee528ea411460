import type { HistoryBucket, SeriesKey } from './history-store.js';

const INITIAL_ROWS = 64;

/**
 * History buckets as columns: a series number and five numbers a bucket in
 * typed arrays, 44 bytes, instead of an object and its four boxed numbers
 * (~150 bytes: at 100k points the fine tier's buckets waiting a minute for
 * their store were 484k objects, 44 MB, and a store held as many again until
 * its last slice). Rows become HistoryBucket objects only a slice at a time,
 * when they are stored.
 *
 * Row `i` is either the i-th pushed bucket (a log) or series `i`'s open bucket
 * (`set`; a row without a bucket has a NaN time).
 */
export class BucketColumns {
  #series: Int32Array;
  #ts: Float64Array;
  #count: Float64Array;
  #sum: Float64Array;
  #min: Float64Array;
  #max: Float64Array;
  #length = 0;

  /** `rows`: the room to start with (it doubles as needed). */
  constructor(rows = INITIAL_ROWS) {
    const size = Math.max(1, rows);
    this.#series = new Int32Array(size);
    this.#ts = new Float64Array(size).fill(Number.NaN);
    this.#count = new Float64Array(size);
    this.#sum = new Float64Array(size);
    this.#min = new Float64Array(size);
    this.#max = new Float64Array(size);
  }

  /** Rows pushed (a log), or one past the highest row set. */
  get length(): number {
    return this.#length;
  }

  push(series: number, ts: number, count: number, sum: number, min: number, max: number): void {
    this.set(this.#length, series, ts, count, sum, min, max);
  }

  set(row: number, series: number, ts: number, count: number, sum: number, min: number, max: number): void {
    if (row >= this.#ts.length) this.#grow(row + 1);
    this.#series[row] = series;
    this.#ts[row] = ts;
    this.#count[row] = count;
    this.#sum[row] = sum;
    this.#min[row] = min;
    this.#max[row] = max;
    if (row >= this.#length) this.#length = row + 1;
  }

  /** The bucket start of row `row`; NaN when it holds none. */
  ts(row: number): number {
    return row < this.#length ? (this.#ts[row] as number) : Number.NaN;
  }

  /** Adds a value to the bucket in `row`: count and sum add, min and max widen. */
  add(row: number, value: number): void {
    this.#count[row] = (this.#count[row] as number) + 1;
    this.#sum[row] = (this.#sum[row] as number) + value;
    if (value < (this.#min[row] as number)) this.#min[row] = value;
    if (value > (this.#max[row] as number)) this.#max[row] = value;
  }

  /** Appends row `row` of `from` to this log. */
  pushRow(from: BucketColumns, row: number): void {
    this.push(
      from.#series[row] as number,
      from.#ts[row] as number,
      from.#count[row] as number,
      from.#sum[row] as number,
      from.#min[row] as number,
      from.#max[row] as number,
    );
  }

  /** Forgets every row (keeps the arrays). */
  clear(): void {
    this.#ts.fill(Number.NaN, 0, this.#length);
    this.#length = 0;
  }

  /** Rows [from, to) as buckets, their series named by `keys`. */
  rows(keys: readonly SeriesKey[], from = 0, to = this.#length): HistoryBucket[] {
    const out: HistoryBucket[] = [];
    for (let i = from; i < Math.min(to, this.#length); i++) {
      const key = keys[this.#series[i] as number] as SeriesKey;
      out.push({
        device: key.device,
        point: key.point,
        ts: this.#ts[i] as number,
        count: this.#count[i] as number,
        sum: this.#sum[i] as number,
        min: this.#min[i] as number,
        max: this.#max[i] as number,
      });
    }
    return out;
  }

  #grow(rows: number): void {
    let size = this.#ts.length * 2;
    while (size < rows) size *= 2;
    const grown = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    const old = this.#ts.length;
    this.#series = grown(this.#series, (n) => new Int32Array(n));
    this.#ts = grown(this.#ts, (n) => new Float64Array(n));
    this.#ts.fill(Number.NaN, old);
    this.#count = grown(this.#count, (n) => new Float64Array(n));
    this.#sum = grown(this.#sum, (n) => new Float64Array(n));
    this.#min = grown(this.#min, (n) => new Float64Array(n));
    this.#max = grown(this.#max, (n) => new Float64Array(n));
  }
}
