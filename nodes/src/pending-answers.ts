import type { Clock, TimerHandle } from './lifeline-api.js';

interface Pending {
  readonly resolve: (answer: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: TimerHandle;
}

/**
 * Requests answered on another topic, matched by `clientToken` (DESIGN.md §4:
 * `twin/desired` → `twin/desired/result`, `cmd/{name}` → `cmd/{name}/result`).
 * Owns one timeout per request and clears them all in `stop()`.
 */
export class PendingAnswers {
  readonly #clock: Clock;
  readonly #pending = new Map<string, Pending>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  wait(clientToken: string, timeoutMs: number, onTimeout: () => Error): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(clientToken);
        reject(onTimeout());
      }, timeoutMs);
      this.#pending.set(clientToken, { resolve, reject, timer });
    });
  }

  /** Settles the request with this token; false when nobody here asked (another client's answer). */
  answer(clientToken: string, answer: unknown): boolean {
    const pending = this.#pending.get(clientToken);
    if (!pending) return false;
    this.#clock.clearTimeout(pending.timer);
    this.#pending.delete(clientToken);
    pending.resolve(answer);
    return true;
  }

  /** Forgets a request that was never sent; its promise is dropped unsettled. */
  cancel(clientToken: string): void {
    const pending = this.#pending.get(clientToken);
    if (pending) this.#clock.clearTimeout(pending.timer);
    this.#pending.delete(clientToken);
  }

  get size(): number {
    return this.#pending.size;
  }

  stop(reason: Error): void {
    for (const p of this.#pending.values()) {
      this.#clock.clearTimeout(p.timer);
      p.reject(reason);
    }
    this.#pending.clear();
  }
}
