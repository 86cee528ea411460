/**
 * Requests given up under a cut-short timeout whose late answer is still
 * worth timing (issue 19). The adaptive timeout learns from answers; if it
 * learns only from those that beat it, it never sees the tail of a unit's
 * answer times (a peer's GC pause, a busy TCP-to-serial gateway) and keeps
 * cutting requests that were about to be answered: RFC 6298's estimator
 * assumes every round trip is sampled (§2, §3: with unambiguous samples, as
 * MBAP transaction ids make them, a late answer is a valid one). So a late
 * answer to a watched id reports its round trip to whoever sent the request.
 *
 * Bounded: an id stops being watched when its answer comes, when the id is
 * issued again, or once it is older than `maxAgeMs` (an answer that late
 * would have timed out at the full timeout anyway).
 */
export type LateObserver = (rttMs: number) => void;

interface Watch {
  readonly sentAt: number;
  readonly observe: LateObserver;
}

/** Past this many watched ids, the stale ones are swept on the next watch. */
const SWEEP_ABOVE = 64;

export class LateAnswers {
  readonly #watched = new Map<number, Watch>();
  readonly #maxAgeMs: number;

  constructor(maxAgeMs: number) {
    this.#maxAgeMs = maxAgeMs;
  }

  get size(): number {
    return this.#watched.size;
  }

  /** The request with `tid`, sent at `sentAt` (ms, the caller's monotonic time), was given up: time its answer if it comes. */
  watch(tid: number, sentAt: number, observe: LateObserver, now: number): void {
    if (this.#watched.size >= SWEEP_ABOVE) this.#sweep(now);
    this.#watched.set(tid, { sentAt, observe });
  }

  /** A new request carries `tid`: an answer with it is that request's, not a late one. */
  issued(tid: number): void {
    this.#watched.delete(tid);
  }

  /** A late answer with `tid` arrived at `now`: reports its round trip if the id is watched and not too old. */
  arrived(tid: number, now: number): void {
    const w = this.#watched.get(tid);
    if (!w) return;
    this.#watched.delete(tid);
    const rtt = now - w.sentAt;
    if (rtt <= this.#maxAgeMs) w.observe(rtt);
  }

  #sweep(now: number): void {
    for (const [tid, w] of this.#watched) if (now - w.sentAt > this.#maxAgeMs) this.#watched.delete(tid);
  }
}
