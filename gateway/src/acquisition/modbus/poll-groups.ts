import { type ModbusDeviceConfig, type ModbusPointConfig, modbusPoints } from '@lifeline/core';
import { planReads, type ReadBlock } from './register-plan.js';

/** Points of one device polled together at one interval, as merged read requests. */
export interface PollGroup {
  readonly intervalMs: number;
  readonly blocks: readonly ReadBlock[];
  readonly points: readonly ModbusPointConfig[];
}

/**
 * The device's configured poll groups, then one group at `pollIntervalMs` with
 * every remaining Modbus point. Each group is merged on its own, so a fast
 * group never drags the slow registers along.
 */
export function planPollGroups(device: ModbusDeviceConfig): PollGroup[] {
  const all = modbusPoints(device.points);
  const { pollGroups, mergeGap } = device.acquisition;
  const grouped = new Set(pollGroups.flatMap((g) => g.points));
  const groups = [
    ...pollGroups.map((g) => ({ intervalMs: g.intervalMs, points: all.filter((p) => g.points.includes(p.id)) })),
    { intervalMs: device.pollIntervalMs, points: all.filter((p) => !grouped.has(p.id)) },
  ];
  return groups.filter((g) => g.points.length > 0).map((g) => ({ ...g, blocks: planReads(g.points, mergeGap) }));
}
