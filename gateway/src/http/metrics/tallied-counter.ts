import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter by a series label (the device) and one of a few kinds
 * (an outcome, a quality), counted on a hot path: an add is a map lookup and
 * an array increment, where prom-client's `inc` validates and hashes a label
 * object each time. The tallies go into the counter when it is scraped
 * (its `collect`), so the exposition is the counter's own; a series appears
 * once its kind has been counted, as with `inc`.
 */
export class TalliedCounter<K extends string> {
  readonly kinds: readonly K[];
  /** Per series, counts by kind (in `kinds` order) not yet in the counter. */
  readonly #unscraped = new Map<string, number[]>();

  constructor(options: {
    name: string;
    help: string;
    seriesLabel: string;
    kindLabel: string;
    kinds: readonly K[];
    registry: Registry;
  }) {
    this.kinds = options.kinds;
    const { seriesLabel, kindLabel } = options;
    const unscraped = this.#unscraped;
    const kinds = this.kinds;
    new Counter({
      name: options.name,
      help: options.help,
      labelNames: [seriesLabel, kindLabel],
      registers: [options.registry],
      collect() {
        for (const [series, counts] of unscraped) {
          for (const [i, kind] of kinds.entries()) {
            const n = counts[i] as number;
            if (n === 0) continue;
            this.inc({ [seriesLabel]: series, [kindLabel]: kind }, n);
            counts[i] = 0;
          }
        }
      },
    });
  }

  /** Counts `n` of `kind` for `series` (a few kinds: a search of them is cheaper than a label hash). */
  add(series: string, kind: K, n = 1): void {
    let counts = this.#unscraped.get(series);
    if (!counts) {
      counts = this.kinds.map(() => 0);
      this.#unscraped.set(series, counts);
    }
    const i = this.kinds.indexOf(kind);
    counts[i] = (counts[i] as number) + n;
  }
}
