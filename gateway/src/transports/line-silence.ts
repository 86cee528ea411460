/**
 * When the next request may go on an RTU link (serial line or RTU over TCP).
 * RTU frames carry no transaction id: an answer is known only by following
 * its request on a quiet line. So frames are kept apart by the 3.5-character
 * silence (Modbus over Serial Line V1.02 §2.5.1.1), and after a request cut
 * short (a timeout, a bad frame) the line is **drained**: the next request
 * waits until no byte has arrived for the drain gap — a late answer still on
 * the wire is let through and then dropped, not taken as the next answer —
 * but never longer than `maxDrainMs` after the cut (a babbling line cannot
 * hold the bus). Pure: the connection feeds it times and sleeps for it.
 */
export interface SilencePolicy {
  /** Between any two frames (serial: t3.5; RTU over TCP: none). */
  readonly gapMs: number;
  /** No byte for this long after a cut-short request means the late answer, if any, is over. */
  readonly drainGapMs: number;
  /** The most a drain may take after the cut. */
  readonly maxDrainMs: number;
}

export class LineSilence {
  readonly #policy: SilencePolicy;
  #lastActivity = Number.NEGATIVE_INFINITY;
  #drainSince: number | undefined;

  constructor(policy: SilencePolicy) {
    this.#policy = policy;
  }

  /** Whether the line is being drained after a cut-short request (its bytes are dropped before the next request). */
  get draining(): boolean {
    return this.#drainSince !== undefined;
  }

  /** A byte arrived, or an exchange ended. */
  activity(now: number): void {
    this.#lastActivity = Math.max(this.#lastActivity, now);
  }

  /** An exchange ended without a clean answer: drain before the next request. */
  cutShort(now: number): void {
    this.activity(now);
    this.#drainSince = now;
  }

  /** How long until the next request may be written (0: now). Ask again after waiting: a byte may have come. */
  waitMs(now: number): number {
    const { gapMs, drainGapMs, maxDrainMs } = this.#policy;
    if (this.#drainSince === undefined) return Math.max(0, this.#lastActivity + gapMs - now);
    const quiet = this.#lastActivity + Math.max(gapMs, drainGapMs);
    return Math.max(0, Math.min(quiet, this.#drainSince + maxDrainMs) - now);
  }

  /** The next request is written: a drain is over. */
  sent(): void {
    this.#drainSince = undefined;
  }
}
