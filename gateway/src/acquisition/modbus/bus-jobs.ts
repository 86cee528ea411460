import type { ModbusPointConfig, Reading } from '@lifeline/core';
import type { LifelineError } from '../../errors.js';
import type { ModbusDeviceState } from './modbus-device-state.js';
import type { PollGroup } from './poll-groups.js';

/** One poll group of one unit, as the bus scheduler queues it. */
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
