import { kindOf, type PollJob, readyAtOf } from './bus-jobs.js';
import type { Candidate, CandidateKind, Pending } from './bus-plan.js';
import { IdHeap } from './id-heap.js';
import type { ModbusDeviceState } from './modbus-device-state.js';
import type { ReadBlock } from './register-plan.js';

/**
 * A bus's poll jobs ordered by when each may be sent, so planning a request
 * looks at the jobs ready now and at two heap tops, not at every job of the
 * link: a scan of the 182 jobs of a link at every request, and a candidate
 * built for each ready one, was most of the scheduler's CPU — a third of
 * the gateway's while polls ran behind (issue 19).
 *
 * Exact, not approximate: a job's readyAt, kind and deadline depend only on
 * the job and its unit's state (due time, progress, retry hold, breaker),
 * which change only while a request of that unit is outstanding (or as it
 * is sent) — and a unit with a request outstanding has its jobs out of the
 * queue (`take`) until its last request ends (`release`), when they are
 * re-read. So ready(now) and pending are what a scan of every idle job would
 * give (test/unit/acquisition/poll-queue.test.ts checks it against one).
 */
export class PollQueue {
  readonly jobs: readonly PollJob[];
  readonly #entries: readonly QueuedJob[];
  readonly #byUnit = new Map<ModbusDeviceState, QueuedJob[]>();
  /** Requests outstanding per unit (a poll, and perhaps a write beside it). */
  readonly #busy = new Map<ModbusDeviceState, number>();
  /** Idle jobs not ready yet, by readyAt; the healthy polls among them, by deadline. */
  readonly #waiting: IdHeap;
  readonly #pollDeadlines: IdHeap;
  /** Idle jobs ready at the last ready(now), in job order (bus-plan.ts breaks ties by that order). */
  readonly #ready: QueuedJob[] = [];
  readonly #pending: Pending = { readyAt: Number.POSITIVE_INFINITY, pollDeadline: Number.POSITIVE_INFINITY };
  #lastNow = Number.NEGATIVE_INFINITY;

  constructor(jobs: readonly PollJob[]) {
    this.jobs = jobs;
    this.#entries = jobs.map((job, id) => new QueuedJob(job, id));
    for (const e of this.#entries) {
      const unit = this.#byUnit.get(e.job.state);
      if (unit) unit.push(e);
      else this.#byUnit.set(e.job.state, [e]);
    }
    this.#waiting = new IdHeap(jobs.length);
    this.#pollDeadlines = new IdHeap(jobs.length);
  }

  isBusy(state: ModbusDeviceState): boolean {
    return this.#busy.has(state);
  }

  /** Every idle job, re-read from its state (at start, once the due times are set). */
  requeueAll(): void {
    for (const e of this.#ready) e.ready = false;
    this.#ready.length = 0;
    this.#waiting.clear();
    this.#pollDeadlines.clear();
    this.#lastNow = Number.NEGATIVE_INFINITY;
    for (const e of this.#entries) if (!this.#busy.has(e.job.state)) this.#enqueue(e);
  }

  /** A request of the unit starts: its jobs leave the queue until its last one ends. */
  take(state: ModbusDeviceState): void {
    const n = this.#busy.get(state) ?? 0;
    this.#busy.set(state, n + 1);
    if (n === 0) for (const e of this.#byUnit.get(state) ?? []) this.#dequeue(e);
  }

  /** A request of the unit ended: with none left, its jobs queue again as its state now says. */
  release(state: ModbusDeviceState): void {
    const left = (this.#busy.get(state) ?? 1) - 1;
    if (left > 0) {
      this.#busy.set(state, left);
      return;
    }
    this.#busy.delete(state);
    for (const e of this.#byUnit.get(state) ?? []) this.#enqueue(e);
  }

  /** The idle jobs ready at `now`, in job order, with their units' bus use at `now`; also updates `pending`. */
  ready(now: number): readonly Candidate<PollJob>[] {
    // Time does not go back on a monotonic clock; a wall clock set back can, and then ready jobs may not be ready any more.
    if (now < this.#lastNow) this.#unready(now);
    this.#lastNow = now;
    while (this.#waiting.minKey() <= now) this.#promote(this.#entries[this.#waiting.peek()] as QueuedJob);
    this.#setBusUse(now);
    this.#pending.readyAt = this.#waiting.minKey();
    this.#pending.pollDeadline = this.#pollDeadlines.minKey();
    return this.#ready;
  }

  /** The idle jobs not ready at the last ready(now): when the first will be, and the earliest healthy poll's deadline. */
  get pending(): Readonly<Pending> {
    return this.#pending;
  }

  /** A unit's jobs are next to each other in job order: its bus use is computed once (a power of 2 each, 494 ready jobs a link when behind). */
  #setBusUse(now: number): void {
    let last: QueuedJob | undefined;
    for (const e of this.#ready) {
      e.busUse = last?.job.state === e.job.state ? last.busUse : e.job.state.busUse(now);
      last = e;
    }
  }

  #enqueue(e: QueuedJob): void {
    e.refresh();
    this.#waiting.set(e.id, e.readyAt);
    if (e.kind === 'poll') this.#pollDeadlines.set(e.id, e.deadline);
  }

  #dequeue(e: QueuedJob): void {
    this.#waiting.delete(e.id);
    this.#pollDeadlines.delete(e.id);
    if (!e.ready) return;
    e.ready = false;
    this.#ready.splice(this.#readyIndex(e.id), 1);
  }

  #promote(e: QueuedJob): void {
    this.#waiting.delete(e.id);
    this.#pollDeadlines.delete(e.id);
    e.ready = true;
    this.#ready.splice(this.#readyIndex(e.id), 0, e);
  }

  #unready(now: number): void {
    for (const e of this.#ready.filter((r) => r.readyAt > now)) {
      this.#dequeue(e);
      this.#waiting.set(e.id, e.readyAt);
      if (e.kind === 'poll') this.#pollDeadlines.set(e.id, e.deadline);
    }
  }

  /** Where job `id` is or would go in #ready (binary search: it is in job order). */
  #readyIndex(id: number): number {
    let lo = 0;
    let hi = this.#ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#ready[mid] as QueuedJob).id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * How bus-plan.ts sees a job — a healthy poll, a retry, or a probe of an
 * open-breaker unit — kept while it is queued: all but the bus use and the
 * timeout are fixed until a request of its unit runs (refresh() re-reads
 * them). The bus use decays with time, so ready(now) sets it; the learned
 * timeout moves with late answers, which may come when the unit is idle,
 * so it is read when asked for.
 */
class QueuedJob implements Candidate<PollJob> {
  readonly job: PollJob;
  /** Its index in the bus's jobs. */
  readonly id: number;
  kind: CandidateKind = 'poll';
  readyAt = 0;
  deadline = 0;
  busUse = 0;
  floorMs = 0;
  /** In the ready list. */
  ready = false;
  #block: ReadBlock;

  constructor(job: PollJob, id: number) {
    this.job = job;
    this.id = id;
    this.#block = job.group.blocks[0] as ReadBlock;
  }

  refresh(): void {
    const { job } = this;
    this.#block = job.group.blocks[job.progress?.index ?? 0] as ReadBlock;
    this.kind = kindOf(job);
    this.readyAt = readyAtOf(job);
    // A retry yields to due healthy polls until its next cycle would be due (bus-plan.ts).
    this.deadline = job.nextDue + job.slackMs + (this.kind === 'retry' ? job.group.intervalMs : 0);
    this.floorMs = job.state.floorFor(this.#block);
  }

  get wantMs(): number {
    const { state } = this.job;
    return this.kind === 'retry' ? state.config.modbus.timeoutMs : state.timeoutFor(this.#block, this.floorMs);
  }
}
