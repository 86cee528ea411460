import { closeSync, openSync, readSync } from 'node:fs';

/**
 * How long this thread has waited, runnable, for a CPU (ms): the second field
 * of Linux's /proc/thread-self/schedstat (run_delay, ns; Documentation/
 * scheduler/sched-stats.rst). On a shared machine that queue is the other
 * processes' load, no part of the code under test, so a benchmark can report
 * its latencies with and without it. A sample is a few microseconds: one
 * pread of an open file.
 */
export class CpuQueueClock {
  readonly #fd: number;
  readonly #buffer = Buffer.alloc(128);

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Undefined where the kernel does not expose schedstat (not Linux, or schedstats off). */
  static open(): CpuQueueClock | undefined {
    try {
      const clock = new CpuQueueClock(openSync('/proc/thread-self/schedstat', 'r'));
      return Number.isFinite(clock.waitedMs()) ? clock : undefined;
    } catch {
      return undefined;
    }
  }

  waitedMs(): number {
    const n = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
    return Number(this.#buffer.toString('latin1', 0, n).split(' ')[1]) / 1e6;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** The CPU-queue reading of the last sample taken at or before `at`; samples are in time order. */
export class CpuQueueTrace {
  readonly #at: number[] = [];
  readonly #waited: number[] = [];
  readonly #clock: CpuQueueClock;

  constructor(clock: CpuQueueClock) {
    this.#clock = clock;
  }

  sample(): void {
    this.#at.push(performance.now());
    this.#waited.push(this.#clock.waitedMs());
  }

  /** Time spent waiting for a CPU from `from` until now (ms). */
  waitedSince(from: number): number {
    let lo = 0;
    let hi = this.#at.length - 1;
    if (hi < 0 || (this.#at[0] as number) > from) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#at[mid] as number) <= from) lo = mid;
      else hi = mid - 1;
    }
    return this.#clock.waitedMs() - (this.#waited[lo] as number);
  }
}
