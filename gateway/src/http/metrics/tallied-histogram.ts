import type { Metric, Registry } from 'prom-client';

/** One series: per-bucket counts (not cumulative), sum and count. */
interface Tally {
  readonly buckets: number[];
  sum: number;
  count: number;
}

interface ExportedValue {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly sharedLabels: Record<string, string>;
  readonly metricName: string;
}

/**
 * A Prometheus histogram by one label, observed on a hot path (every poll
 * request): a sample is a map lookup and an array increment, where
 * prom-client's Histogram validates, hashes and sorts the label object each
 * time. The registry reads it at scrape through the metric protocol it uses
 * for its own histograms (name, help, type, getForPromString/get), so the
 * exposition is the same: cumulative `_bucket{le}` up to `+Inf`, `_sum`, `_count`.
 */
export class TalliedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #label: string;
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, Tally>();

  constructor(options: { name: string; help: string; label: string; buckets: readonly number[]; registry: Registry }) {
    this.name = options.name;
    this.help = options.help;
    this.#label = options.label;
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
    // prom-client types registerMetric for its own classes; the registry itself only reads the protocol above.
    options.registry.registerMetric(this as unknown as Metric);
  }

  observe(labelValue: string, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    let tally = this.#series.get(labelValue);
    if (!tally) {
      tally = { buckets: this.#bounds.map(() => 0), sum: 0, count: 0 };
      this.#series.set(labelValue, tally);
    }
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    // Above the last bound: only +Inf (the count) has it.
    if (i < bounds.length) tally.buckets[i] = (tally.buckets[i] as number) + 1;
    tally.sum += value;
    tally.count += 1;
  }

  /** Like prom-client's: `le` in the labels, the series' own label shared, so default labels go between them. */
  async getForPromString() {
    const values: ExportedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const [labelValue, tally] of this.#series) {
      const shared = { [this.#label]: labelValue };
      let cumulative = 0;
      for (const [i, le] of this.#bounds.entries()) {
        cumulative += tally.buckets[i] as number;
        values.push({ labels: { le }, sharedLabels: shared, value: cumulative, metricName: bucket });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: shared, value: tally.count, metricName: bucket });
      values.push({ labels: {}, sharedLabels: shared, value: tally.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: shared, value: tally.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As JSON (`registry.getMetricsAsJSON`): the shared label folded into each value's labels. */
  async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ sharedLabels, labels, ...v }) => ({ ...v, labels: { ...labels, ...sharedLabels } })),
    };
  }

  reset(): void {
    this.#series.clear();
  }
}
