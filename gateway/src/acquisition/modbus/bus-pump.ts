import type { Clock, TimerHandle } from '@lifeline/core';

/**
 * The one worker of a bus: runs `work` — which sends requests until nothing
 * is due and returns how long until something will be — one run at a time,
 * and owns the timer that wakes it. A `kick()` during a run (a write queued,
 * a unit's backoff over) runs it again as soon as the run ends, since the run
 * may be past its last look at the queue. A failed run is logged and retried
 * shortly: the link is never left unscheduled.
 */
export class BusPump {
  readonly #clock: Clock;
  readonly #work: () => Promise<number>;
  readonly #onError: (e: unknown) => void;
  #timer: TimerHandle | undefined;
  #running = false;
  #active: Promise<void> | undefined;
  #again = false;

  constructor(clock: Clock, work: () => Promise<number>, onError: (e: unknown) => void) {
    this.#clock = clock;
    this.#work = work;
    this.#onError = onError;
  }

  start(): void {
    this.#running = true;
    this.kick();
  }

  kick(): void {
    if (!this.#running) return;
    if (this.#active) {
      this.#again = true;
      return;
    }
    this.#disarm();
    this.#again = false;
    this.#active = this.#work().then(this.#ran, this.#failed).finally(this.#ended);
  }

  // Bound once: a run starts at every request's end, and three closures per run were garbage.
  readonly #ran = (delayMs: number): void => this.#arm(delayMs);
  readonly #failed = (e: unknown): void => {
    this.#onError(e);
    this.#arm(1000);
  };
  readonly #ended = (): void => {
    this.#active = undefined;
    if (this.#again) this.kick();
  };

  /** No run starts after this; resolves when the current one has ended. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#disarm();
    await this.#active;
  }

  #arm(delayMs: number): void {
    this.#disarm();
    if (!this.#running || !Number.isFinite(delayMs)) return;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.kick();
      },
      Math.max(0, delayMs),
    );
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
