import { DEFAULTS, type ModbusLink, REGISTER_TABLES, type RegisterTable } from '@lifeline/core';
import type { ModbusConnection } from '../transports/modbus-connection.js';
import { type DeviceIdentification, readDeviceIdentification } from './device-identification.js';
import { describeLink, openLink } from './modbus-target.js';
import { describeOutcome, type ProbeOutcome, probe, probeTable, tableAnswered, unitAnswered } from './unit-probe.js';

export interface ScanOptions {
  readonly link: ModbusLink;
  /** Unit ids to try, in order. */
  readonly units: readonly number[];
  /** How long to wait for each unit's answer: short, a scan tries up to 247 of them. */
  readonly timeoutMs: number;
  /** Where each table is probed (one register or bit). */
  readonly probeAddress: number;
  readonly onProgress?: (done: number, total: number, unitId: number, found: number) => void;
}

export interface TableProbe {
  readonly answers: boolean;
  readonly outcome: string;
}

export interface UnitReport {
  readonly unitId: number;
  /** Function 43/14 objects; null when the unit does not implement it or did not answer it. */
  readonly identification: DeviceIdentification | null;
  readonly identificationNote?: string;
  readonly tables: Readonly<Record<RegisterTable, TableProbe>>;
}

export interface ScanReport {
  readonly link: string;
  readonly tried: number;
  readonly timeoutMs: number;
  readonly probeAddress: number;
  readonly units: readonly UnitReport[];
}

/** Probe order: holding first, it doubles as the "is anyone there" request (function 3, Modbus App Protocol §6.3). */
const TABLE_ORDER: readonly RegisterTable[] = ['holding', ...REGISTER_TABLES.filter((t) => t !== 'holding')];

/**
 * Which unit ids answer on one line, what they say they are, and which
 * register tables answer. Read functions only (1–4 and 43): a scan never writes.
 */
export async function scanLine(options: ScanOptions): Promise<ScanReport> {
  const connection = await openLink(options.link);
  const units: UnitReport[] = [];
  try {
    for (const [i, unitId] of options.units.entries()) {
      const first = await probeTable(connection, unitId, options.timeoutMs, 'holding', options.probeAddress);
      if (unitAnswered(first)) units.push(await describeUnit(connection, options, unitId, first));
      options.onProgress?.(i + 1, options.units.length, unitId, units.length);
    }
  } finally {
    await connection.close();
  }
  return {
    link: describeLink(options.link),
    tried: options.units.length,
    timeoutMs: options.timeoutMs,
    probeAddress: options.probeAddress,
    units,
  };
}

async function describeUnit(
  connection: ModbusConnection,
  options: ScanOptions,
  unitId: number,
  holding: ProbeOutcome,
): Promise<UnitReport> {
  const tables = {} as Record<RegisterTable, TableProbe>;
  for (const table of TABLE_ORDER) {
    const outcome = table === 'holding' ? holding : await probeTable(connection, unitId, options.timeoutMs, table, options.probeAddress);
    tables[table] = { answers: tableAnswered(outcome), outcome: describeOutcome(outcome) };
  }
  return { unitId, ...(await identify(connection, options, unitId)), tables };
}

async function identify(
  connection: ModbusConnection,
  options: ScanOptions,
  unitId: number,
): Promise<Pick<UnitReport, 'identification' | 'identificationNote'>> {
  const result = await probe(connection, unitId, identifyTimeoutMs(options), readDeviceIdentification);
  if (!('ok' in result)) return { identification: null, identificationNote: describeOutcome(result.failed) };
  if (result.ok === undefined) return { identification: null, identificationNote: 'function 43/14 not implemented' };
  return { identification: result.ok };
}

/**
 * An identification answer is up to a whole ADU (256 bytes, Modbus over Serial
 * Line V1.02 §2.5.1), 290 ms on the wire at 9600 baud: the short per-unit
 * timeout of a scan would cut it off, so a serial line (or one behind a serial
 * device server) adds the answer's wire time.
 */
function identifyTimeoutMs(options: ScanOptions): number {
  const { link } = options;
  if (link.framing === 'tcp') return options.timeoutMs;
  // Behind a serial device server the line's baud rate is not ours to know: the common 9600 is assumed.
  const baud = link.framing === 'rtu' ? link.baudRate : DEFAULTS.modbusBaudRate;
  return options.timeoutMs + Math.ceil((256 * 11 * 1000) / baud);
}

/** Parses `1-247`, `1,2,5-8`: unit ids in [min, max], in the order given, without repeats. */
export function parseUnitRange(text: string, min: number, max: number): number[] {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const from = Number(m?.[1]);
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!m || from > to || from < min || to > max) throw new RangeError(`"${part}" is not a unit id or range within ${min}-${max}`);
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids];
}
