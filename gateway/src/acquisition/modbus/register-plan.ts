import { type ModbusPointConfig as PointConfig, type RegisterTable, registerCount } from '@lifeline/core';

/**
 * Which Modbus requests read a device's points: points of one table sorted by
 * address and merged into one request while the gap between them stays small
 * and the request stays within the PDU limits.
 */
export interface ReadBlock {
  readonly table: RegisterTable;
  readonly address: number;
  readonly length: number;
  readonly points: readonly PointConfig[];
}

// Modbus Application Protocol V1.1b3 §6.1–6.4: at most 2000 bits or 125 registers per read.
export const MAX_READ_LENGTH: Record<RegisterTable, number> = { holding: 125, input: 125, coil: 2000, discrete: 2000 };

/** Reading a few unused registers is cheaper than another round trip. */
export const DEFAULT_MAX_GAP = 16;

export function planReads(points: readonly PointConfig[], maxGap = DEFAULT_MAX_GAP): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  const byTable = new Map<RegisterTable, PointConfig[]>();
  for (const p of points) byTable.set(p.register.table, [...(byTable.get(p.register.table) ?? []), p]);
  for (const [table, tablePoints] of byTable) {
    const sorted = [...tablePoints].sort((a, b) => a.register.address - b.register.address);
    let current: { address: number; end: number; points: PointConfig[] } | undefined;
    for (const point of sorted) {
      const start = point.register.address;
      const end = start + registerCount(point.register);
      const fits = current && start - current.end <= maxGap && Math.max(end, current.end) - current.address <= MAX_READ_LENGTH[table];
      if (current && fits) {
        current.end = Math.max(current.end, end);
        current.points.push(point);
      } else {
        if (current) blocks.push(toBlock(table, current));
        current = { address: start, end, points: [point] };
      }
    }
    if (current) blocks.push(toBlock(table, current));
  }
  return blocks;
}

function toBlock(table: RegisterTable, b: { address: number; end: number; points: PointConfig[] }): ReadBlock {
  return { table, address: b.address, length: b.end - b.address, points: b.points };
}
