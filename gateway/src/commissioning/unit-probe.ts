import type { RegisterTable } from '@lifeline/core';
import { classifyModbusError, isLinkFailure, MODBUS_EXCEPTIONS } from '../acquisition/modbus/modbus-errors.js';
import { readBlock } from '../acquisition/modbus/modbus-io.js';
import type { LifelineError } from '../errors.js';
import type { ModbusConnection } from '../transports/modbus-connection.js';
import type { ModbusClient } from '../transports/modbus-serial.js';

/** What one read request got back: data, a Modbus exception, or nothing usable. */
export type ProbeOutcome =
  | { readonly kind: 'data'; readonly values: readonly number[] }
  | { readonly kind: 'exception'; readonly code: number; readonly name: string }
  | { readonly kind: 'no-answer' }
  | { readonly kind: 'garbled'; readonly reason: string };

/**
 * Modbus Application Protocol V1.1b3 §7: a TCP gateway answers 10 (path
 * unavailable) or 11 (target failed to respond) for a unit behind it that is
 * not there — the gateway answered, the unit did not.
 */
const GATEWAY_EXCEPTIONS = new Set([10, 11]);

/** Whether the unit itself answered: with data or an exception of its own (1 "illegal function" included). */
export function unitAnswered(outcome: ProbeOutcome): boolean {
  if (outcome.kind === 'data') return true;
  return outcome.kind === 'exception' && !GATEWAY_EXCEPTIONS.has(outcome.code);
}

/** Whether the table exists on the unit: data, or any exception but "illegal function" and the gateway's. */
export function tableAnswered(outcome: ProbeOutcome): boolean {
  return unitAnswered(outcome) && !(outcome.kind === 'exception' && outcome.code === 1);
}

/** One short exchange with `unitId`: a link failure reopens the line and is reported as no answer. */
export async function probe<T>(
  connection: ModbusConnection,
  unitId: number,
  timeoutMs: number,
  exchange: (client: ModbusClient) => Promise<T>,
): Promise<{ readonly ok: T } | { readonly failed: ProbeOutcome; readonly error: LifelineError }> {
  try {
    return { ok: await connection.transact(unitId, timeoutMs, exchange) };
  } catch (e) {
    const error = classifyModbusError(e, { what: 'probe', device: connection.key, unitId, timeoutMs });
    if (isLinkFailure(error)) await connection.open().catch(() => undefined);
    return { failed: outcomeOf(e, error), error };
  }
}

/** One register or bit of `table` at `address` (function 1–4): never a write. */
export async function probeTable(
  connection: ModbusConnection,
  unitId: number,
  timeoutMs: number,
  table: RegisterTable,
  address: number,
): Promise<ProbeOutcome> {
  const result = await probe(connection, unitId, timeoutMs, (client) => readBlock(client, { table, address, length: 1 }));
  // modbus-serial returns whole bytes of bits for functions 1 and 2: keep the one asked for.
  return 'ok' in result ? { kind: 'data', values: result.ok.slice(0, 1) } : result.failed;
}

function outcomeOf(e: unknown, error: LifelineError): ProbeOutcome {
  const modbusCode = (e as { modbusCode?: number }).modbusCode;
  if (typeof modbusCode === 'number') return { kind: 'exception', code: modbusCode, name: MODBUS_EXCEPTIONS[modbusCode] ?? 'unknown' };
  if (error.code === 'LL_ERR_MODBUS_BAD_FRAME') return { kind: 'garbled', reason: error.message };
  return { kind: 'no-answer' };
}

/** `data 1234`, `exception 2 (illegal data address)`, `no answer`, `garbled: …`: for tables and logs. */
export function describeOutcome(outcome: ProbeOutcome): string {
  switch (outcome.kind) {
    case 'data':
      return `data ${outcome.values.join(' ')}`;
    case 'exception':
      return `exception ${outcome.code} (${outcome.name})`;
    case 'no-answer':
      return 'no answer';
    case 'garbled':
      return `garbled: ${outcome.reason}`;
  }
}
