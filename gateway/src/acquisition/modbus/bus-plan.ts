/**
 * Which request a bus sends next, and with what timeout (docs/acquisition.md
 * "Scheduling"). Pure: the scheduler describes every ready job as a
 * candidate (poll-queue.ts) and runs what this returns.
 *
 * - poll: a healthy unit's cycle (its breaker closed, no retry pending). Due
 *   polls go earliest deadline first (EDF; Liu & Layland 1973); points with
 *   priority 1–2 conditions have a deadline at their due time, others some
 *   slack after it. When more than one due poll is already past its deadline
 *   the link is saturated, and the one whose unit used the least bus time
 *   lately goes first (fair queueing), so a slow unit cannot starve the rest.
 * - retry: a failed or cut-short request sent again. Never while a healthy
 *   poll is due: a retry does not take a due healthy poll's slot — until its
 *   own deadline (the scheduler gives it the next cycle's) has passed; then it
 *   competes like a poll, so a saturated link cannot starve a unit's retry.
 * - probe: a request to a unit whose breaker is open. Only when nothing
 *   else is due, and only in the gap before the next healthy deadline that
 *   its timeout, cut to the gap, still fits with at least its floor — or,
 *   on a pipelined link with a second slot free, with its whole timeout.
 */
export type CandidateKind = 'poll' | 'retry' | 'probe';

export interface Candidate<J> {
  readonly job: J;
  readonly kind: CandidateKind;
  /** When it may be sent (due time, hold or probe time, whichever is later). */
  readonly readyAt: number;
  /** When a poll must have been sent; later deadlines yield to earlier ones. */
  readonly deadline: number;
  /** The unit's recent bus time (ms, decaying), for fair queueing. */
  readonly busUse: number;
  /** The timeout it would use. */
  readonly wantMs: number;
  /** Its least useful timeout (a probe cut below this is not sent). */
  readonly floorMs: number;
}

export type Plan<J> =
  | { readonly kind: 'send'; readonly job: J; readonly timeoutMs: number }
  | { readonly kind: 'wait'; readonly untilMs: number };

/**
 * `freeSlots`: requests the link may still start now (pipelined Modbus TCP:
 * maxInFlight less those outstanding; else 1). With more than one free, a
 * probe does not hold the link — a slot stays free for the next healthy poll —
 * so it goes with its whole timeout whenever nothing else is due.
 */
export function planNext<J>(now: number, candidates: readonly Candidate<J>[], freeSlots = 1): Plan<J> {
  const ready: Candidate<J>[] = [];
  const pending = { readyAt: Number.POSITIVE_INFINITY, pollDeadline: Number.POSITIVE_INFINITY };
  for (const c of candidates) {
    if (c.readyAt <= now) ready.push(c);
    else notePending(pending, c.readyAt, c.kind === 'poll' ? c.deadline : Number.POSITIVE_INFINITY);
  }
  return planReady(now, ready, pending, freeSlots);
}

/**
 * What planNext needs of the candidates that are not ready yet: when the
 * first becomes ready, and the earliest deadline of a healthy poll among
 * them. A bus of many units describes only its ready jobs in full and folds
 * the rest into this (two numbers), so a request costs no allocation per unit.
 */
export interface Pending {
  readyAt: number;
  pollDeadline: number;
}

export function notePending(pending: Pending, readyAt: number, pollDeadline: number): void {
  if (readyAt < pending.readyAt) pending.readyAt = readyAt;
  if (pollDeadline < pending.pollDeadline) pending.pollDeadline = pollDeadline;
}

/**
 * planNext over the ready candidates and the summary of the others (same
 * decision: a ready poll or retry never waits on them). Each rule is one
 * pass over the ready ones, without building lists: while polls run behind,
 * every unit of a link is ready at every request.
 */
export function planReady<J>(now: number, ready: readonly Candidate<J>[], pending: Pending, freeSlots = 1): Plan<J> {
  const poll = pickPoll(now, ready);
  if (poll) return { kind: 'send', job: poll.job, timeoutMs: poll.wantMs };
  const retry = earliest(ready, (c) => c.kind === 'retry');
  if (retry) return { kind: 'send', job: retry.job, timeoutMs: retry.wantMs };
  // Only probes are ready: the gap runs to the earliest healthy deadline, all of them pending (one slot free).
  const gap = freeSlots > 1 ? Number.POSITIVE_INFINITY : pending.pollDeadline - now;
  const probe = earliest(ready, (c) => c.kind === 'probe' && Math.min(c.wantMs, gap) >= c.floorMs);
  if (probe) return { kind: 'send', job: probe.job, timeoutMs: Math.floor(Math.min(probe.wantMs, gap)) };
  // A probe that does not fit now is looked at again after the next request, when the next deadline is further off.
  return { kind: 'wait', untilMs: pending.readyAt };
}

/**
 * Among the healthy polls and the retries past their deadline: when more
 * than one is past its deadline, the first of those with the least bus use
 * (then the earliest deadline); else the earliest deadline of them all.
 */
function pickPoll<J>(now: number, ready: readonly Candidate<J>[]): Candidate<J> | undefined {
  let first: Candidate<J> | undefined;
  let fair: Candidate<J> | undefined;
  let late = 0;
  for (const c of ready) {
    if (c.kind !== 'poll' && !(c.kind === 'retry' && c.deadline <= now)) continue;
    if (before(c, first)) first = c;
    if (c.deadline > now) continue;
    late += 1;
    if (!fair || c.busUse < fair.busUse || (c.busUse === fair.busUse && c.deadline < fair.deadline)) fair = c;
  }
  return late > 1 ? fair : first;
}

/** The first of those included with the earliest deadline; ties to the least bus use. */
function earliest<J>(cs: readonly Candidate<J>[], include: (c: Candidate<J>) => boolean): Candidate<J> | undefined {
  let best: Candidate<J> | undefined;
  for (const c of cs) if (include(c) && before(c, best)) best = c;
  return best;
}

function before<J>(c: Candidate<J>, best: Candidate<J> | undefined): boolean {
  return !best || c.deadline < best.deadline || (c.deadline === best.deadline && c.busUse < best.busUse);
}

/** Slack of a poll's deadline after its due time: none for points with priority 1–2 conditions, else a quarter interval (≤ 250 ms). */
export function deadlineSlackMs(intervalMs: number, critical: boolean): number {
  return critical ? 0 : Math.min(250, Math.floor(intervalMs / 4));
}
