import assert from 'node:assert/strict';
import { kindOf, type PollJob, readyAtOf } from '../../gateway/src/acquisition/modbus/bus-jobs.js';
import { type Candidate, type Pending, type Plan, planReady } from '../../gateway/src/acquisition/modbus/bus-plan.js';
import type { PollQueue } from '../../gateway/src/acquisition/modbus/poll-queue.js';
import type { ReadBlock } from '../../gateway/src/acquisition/modbus/register-plan.js';

/**
 * The bus scheduler's planning as it was before the poll queue and the
 * single-pass planReady (issue 19): a scan of every idle job at every
 * request, a candidate built for each ready one, and planReady with filtered
 * lists. Kept here, verbatim in substance, as the reference the faster code
 * must agree with decision for decision.
 */
export function scanJobs(
  jobs: readonly PollJob[],
  busy: (job: PollJob) => boolean,
  now: number,
): { ready: Candidate<PollJob>[]; pending: Pending } {
  const ready: Candidate<PollJob>[] = [];
  const pending: Pending = { readyAt: Number.POSITIVE_INFINITY, pollDeadline: Number.POSITIVE_INFINITY };
  for (const job of jobs) {
    if (busy(job)) continue;
    const readyAt = readyAtOf(job);
    if (readyAt <= now) ready.push(candidateOf(job, now, readyAt));
    else {
      const pollDeadline = kindOf(job) === 'poll' ? job.nextDue + job.slackMs : Number.POSITIVE_INFINITY;
      if (readyAt < pending.readyAt) pending.readyAt = readyAt;
      if (pollDeadline < pending.pollDeadline) pending.pollDeadline = pollDeadline;
    }
  }
  return { ready, pending };
}

function candidateOf(job: PollJob, now: number, readyAt: number): Candidate<PollJob> {
  const { state } = job;
  const block = job.group.blocks[job.progress?.index ?? 0] as ReadBlock;
  const kind = kindOf(job);
  const deadline = job.nextDue + job.slackMs;
  const busUse = state.busUse(now);
  const floorMs = state.floorFor(block);
  if (kind !== 'retry') return { job, kind, readyAt, deadline, busUse, floorMs, wantMs: state.timeoutFor(block, floorMs) };
  return { job, kind, readyAt, deadline: deadline + job.group.intervalMs, busUse, floorMs, wantMs: state.config.modbus.timeoutMs };
}

export function referencePlanReady<J>(now: number, ready: readonly Candidate<J>[], pending: Pending, freeSlots = 1): Plan<J> {
  const polls = ready.filter((c) => c.kind === 'poll' || (c.kind === 'retry' && c.deadline <= now));
  if (polls.length > 0) {
    const poll = pickPoll(now, polls);
    return { kind: 'send', job: poll.job, timeoutMs: poll.wantMs };
  }
  const retry = earliest(ready.filter((c) => c.kind === 'retry'));
  if (retry) return { kind: 'send', job: retry.job, timeoutMs: retry.wantMs };
  const gap = freeSlots > 1 ? Number.POSITIVE_INFINITY : pending.pollDeadline - now;
  const probe = earliest(ready.filter((c) => c.kind === 'probe' && Math.min(c.wantMs, gap) >= c.floorMs));
  if (probe) return { kind: 'send', job: probe.job, timeoutMs: Math.floor(Math.min(probe.wantMs, gap)) };
  return { kind: 'wait', untilMs: pending.readyAt };
}

function pickPoll<J>(now: number, polls: readonly Candidate<J>[]): Candidate<J> {
  const late = polls.filter((c) => c.deadline <= now);
  if (late.length > 1) return late.reduce((a, b) => (b.busUse < a.busUse || (b.busUse === a.busUse && b.deadline < a.deadline) ? b : a));
  return earliest(polls) as Candidate<J>;
}

function earliest<J>(cs: readonly Candidate<J>[]): Candidate<J> | undefined {
  let best: Candidate<J> | undefined;
  for (const c of cs) {
    if (!best || c.deadline < best.deadline || (c.deadline === best.deadline && c.busUse < best.busUse)) best = c;
  }
  return best;
}

/** A candidate as plain data (the queue's are objects with a getter), for deepEqual. */
export function plainCandidate<J>(c: Candidate<J>): Candidate<J> {
  return { job: c.job, kind: c.kind, readyAt: c.readyAt, deadline: c.deadline, busUse: c.busUse, wantMs: c.wantMs, floorMs: c.floorMs };
}

/** What the queue answered, or the scan would: ready jobs by index, with every field, and the pending summary. */
function view(jobs: readonly PollJob[], ready: readonly Candidate<PollJob>[], pending: Readonly<Pending>) {
  return {
    ready: ready.map((c) => ({ ...plainCandidate(c), job: jobs.indexOf(c.job) })),
    pending: { readyAt: pending.readyAt, pollDeadline: pending.pollDeadline },
  };
}

/**
 * The queue against the plain scan of every idle job it replaces, and
 * planReady against the planning it replaced (test/support/bus-plan-reference.ts):
 * the same ready candidates in the same order, the same pending summary, the
 * same decision — given the contract that a unit's state changes only while
 * it is taken.
 */
export function assertSameAsScan(queue: PollQueue, now: number, got = queue.ready(now)): void {
  const want = scanJobs(queue.jobs, (j) => queue.isBusy(j.state), now);
  assert.deepEqual(view(queue.jobs, got, queue.pending), view(queue.jobs, want.ready, want.pending));
  for (const slots of [1, 2]) {
    assert.deepEqual(planReady(now, got, queue.pending, slots), referencePlanReady(now, want.ready, want.pending, slots));
  }
}
