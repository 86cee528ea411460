import type { CentreStore, StoreWrite, WriteOutcome } from './store/centre-store.js';

export interface WriteBatcherOptions {
  readonly store: Pick<CentreStore, 'write'>;
  /** Writes in one batch at most (default 256): bounds a transaction's size and the statement's arrays. */
  readonly maxItems?: number;
  /**
   * How long the first write of a batch waits for others while another
   * batch commits (ms, default 2): the consumers acknowledged by the last
   * commit each hand over their next message within about this long, so they
   * share one transaction. With nothing in flight a write goes at once.
   */
  readonly windowMs?: number;
  /** Batches being committed at once (default 2): the next one gathers while one commits. */
  readonly maxInFlight?: number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

interface Pending {
  readonly write: StoreWrite;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Groups the writes of messages arriving within a few milliseconds into one
 * `CentreStore.write` (issue 21: one transaction per message made
 * PostgreSQL the limit). Each caller's promise settles when its batch has
 * committed, so a message is still acknowledged only once stored; a failed
 * batch rejects every write in it, and each consumer retries its own.
 */
export class WriteBatcher {
  readonly #o: Required<Omit<WriteBatcherOptions, 'store'>> & Pick<WriteBatcherOptions, 'store'>;
  #pending: Pending[] = [];
  #timer: unknown;
  #inFlight = 0;

  constructor(options: WriteBatcherOptions) {
    this.#o = {
      maxItems: 256,
      windowMs: 2,
      maxInFlight: 2,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
      ...options,
    };
  }

  /** Resolves with the write's outcome once its batch is committed. */
  write(write: StoreWrite): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ write, resolve, reject });
      // Idle: nothing to wait for, so no window (a lone alarm is stored at once); busy: gather until full or the window ends.
      if (this.#inFlight === 0 || this.#pending.length >= this.#o.maxItems) this.#flush();
      else if (this.#timer === undefined) this.#timer = this.#o.setTimer(() => this.#onWindow(), this.#o.windowMs);
    });
  }

  /** Clears the window timer; writes already handed over still settle. */
  stop(): void {
    this.#cancelTimer();
  }

  #onWindow(): void {
    this.#timer = undefined;
    this.#flush();
  }

  #flush(): void {
    // At the in-flight limit the writes wait: the batch in flight flushes them when it commits.
    while (this.#inFlight < this.#o.maxInFlight && this.#pending.length > 0) this.#commit(this.#pending.splice(0, this.#o.maxItems));
    if (this.#pending.length === 0) this.#cancelTimer();
  }

  #commit(batch: readonly Pending[]): void {
    this.#inFlight += 1;
    this.#o.store
      .write(batch.map((p) => p.write))
      .then(
        (outcomes) => {
          batch.forEach((p, i) => {
            p.resolve(outcomes[i] as WriteOutcome);
          });
        },
        (e: unknown) => {
          for (const p of batch) p.reject(e);
        },
      )
      .finally(() => {
        this.#inFlight -= 1;
        // What gathered meanwhile has waited at least one commit: it goes now.
        this.#flush();
      });
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#o.clearTimer(this.#timer);
    this.#timer = undefined;
  }
}
