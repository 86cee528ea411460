import type { ModbusPointConfig, Reading } from '@lifeline/core';
import type { LifelineError } from '../../errors.js';
import { type CandidateKind, deadlineSlackMs } from './bus-plan.js';
import type { ModbusDeviceState } from './modbus-device-state.js';
import { type PollGroup, planPollGroups } from './poll-groups.js';

/**
 * One poll group of one unit, as the bus scheduler queues it. Its fields (and
 * its unit's hold and breaker) change only while a request of its unit runs:
 * poll-queue.ts re-reads them when that request ends, and nowhere else.
 */
export interface PollJob {
  readonly state: ModbusDeviceState;
  readonly group: PollGroup;
  nextDue: number;
  /** A cycle between its requests: which block is next, what was read so far. */
  progress?: { index: number; readings: Reading[]; impaired: boolean; resumeAt: number };
  attempt: number;
  impaired: boolean;
  /** Its last request was cut short under the adaptive timeout: send it again with the full timeout. */
  fullRetry: boolean;
  /** Deadline after the due time (bus-plan.ts): 0 for points with priority 1–2 conditions. */
  readonly slackMs: number;
  /** What each block's read is called in errors, built once rather than at every request. */
  readonly reads: readonly string[];
}

/** The poll jobs of a bus's units, in unit order (bus-plan.ts breaks ties by it), none due yet. */
export function pollJobsOf(states: Iterable<ModbusDeviceState>): PollJob[] {
  return [...states].flatMap((state) =>
    planPollGroups(state.config).map((group) => ({
      state,
      group,
      nextDue: 0,
      attempt: 0,
      impaired: false,
      fullRetry: false,
      slackMs: deadlineSlackMs(
        group.intervalMs,
        group.points.some((p) => p.limits.some((l) => l.priority <= 2)),
      ),
      reads: group.blocks.map((b) => `read ${b.table} ${b.address}+${b.length}`),
    })),
  );
}

export interface WriteJob {
  readonly state: ModbusDeviceState;
  readonly point: ModbusPointConfig;
  readonly value: number | boolean;
  readonly resolve: () => void;
  readonly reject: (e: LifelineError) => void;
}

/** When a job may run: its due time, or for a cycle in progress, when its last request ended. */
export function dueOf(job: PollJob): number {
  return job.progress ? job.progress.resumeAt : job.nextDue;
}

/** How the planner treats a job: a probe while its unit's breaker is not closed, a retry after a failed or cut-short request, else a poll. */
export function kindOf(job: PollJob): CandidateKind {
  if (job.state.breaker.kind !== 'closed') return 'probe';
  return job.attempt > 0 || job.fullRetry ? 'retry' : 'poll';
}

/** When a job may be sent: its due time, or later for a retry's hold or an open breaker's next probe. */
export function readyAtOf(job: PollJob): number {
  const hold = job.state.breaker.kind !== 'closed' ? job.state.probeAt() : job.state.holdUntil;
  return Math.max(dueOf(job), hold);
}
