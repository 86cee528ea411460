import { decodeRegisters, type ModbusPointConfig, type Quality, registerCount } from '@lifeline/core';
import { classifyModbusError } from '../acquisition/modbus/modbus-errors.js';
import { readBack, writePointWords } from '../acquisition/modbus/modbus-io.js';
import { gatewayError, type LifelineError } from '../errors.js';
import type { ModbusConnection } from '../transports/modbus-connection.js';
import type { ModbusClient } from '../transports/modbus-serial.js';
import { describeLink, openLink } from './modbus-target.js';
import type { PointTarget } from './point-target.js';

/** One point as read: the decoded value beside the raw words it came from. */
export interface PointReading {
  readonly link: string;
  readonly unitId: number;
  readonly device?: string;
  readonly point: string;
  readonly name: string;
  readonly table: string;
  readonly address: number;
  readonly type: string;
  readonly wordOrder: string;
  readonly scale: number;
  readonly offset: number;
  readonly bit?: number;
  readonly raw: readonly number[];
  readonly rawHex: readonly string[];
  readonly value: number | boolean;
  readonly unit: string;
  readonly quality: Quality;
  readonly reason?: string;
}

/** Reads one point (function 1–4, its table's) and decodes it with the shared register codec. */
export async function readPoint(target: PointTarget): Promise<PointReading> {
  return withLink(target, async (connection) =>
    reading(target, await exchange(connection, target, 'read', (c) => readBack(c, target.point))),
  );
}

/**
 * Writes one point (function 5, 6 or 16: the narrowest, modbus-io.ts) and
 * reads it back; a device that holds another value afterwards is an error.
 */
export async function writePoint(target: PointTarget, value: number | boolean): Promise<PointReading> {
  return withLink(target, async (connection) => {
    const written = await exchange(connection, target, 'write', (c) => writePointWords(c, target.point, value));
    const back = reading(target, await exchange(connection, target, 'read back', (c) => readBack(c, target.point)));
    const want = decodeRegisters(target.point.register, written);
    if (want !== back.value) throw gatewayError('LL_ERR_WRITE_MISMATCH', want, target.device ?? back.link, target.point.id, back.value);
    return back;
  });
}

/** Parses a value for the point: true/false/on/off/1/0 for a boolean, a finite number otherwise. */
export function parseValue(point: ModbusPointConfig, text: string): number | boolean | undefined {
  if (point.dataType === 'boolean') {
    const t = text.toLowerCase();
    if (['true', 'on', '1'].includes(t)) return true;
    if (['false', 'off', '0'].includes(t)) return false;
    return undefined;
  }
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

async function withLink<T>(target: PointTarget, body: (connection: ModbusConnection) => Promise<T>): Promise<T> {
  const connection = await openLink(target.link);
  try {
    return await body(connection);
  } finally {
    await connection.close();
  }
}

async function exchange<T>(
  connection: ModbusConnection,
  target: PointTarget,
  what: string,
  run: (c: ModbusClient) => Promise<T>,
): Promise<T> {
  const { unitId, timeoutMs } = target.link;
  try {
    return await connection.transact(unitId, timeoutMs, run);
  } catch (e) {
    const error: LifelineError = classifyModbusError(e, {
      what: `${what} ${target.point.id}`,
      device: target.device ?? connection.key,
      unitId,
      timeoutMs,
    });
    // Exceptions 10 and 11 (Modbus App Protocol §7) are a TCP gateway saying the unit behind it did not answer.
    const gatewaySays =
      typeof (e as { modbusCode?: number }).modbusCode === 'number' && [10, 11].includes((e as { modbusCode: number }).modbusCode);
    if (gatewaySays) throw gatewayError('LL_ERR_NO_ANSWER', unitId, describeLink(target.link), error.message);
    if (error.code === 'LL_ERR_MODBUS_TIMEOUT')
      throw gatewayError('LL_ERR_NO_ANSWER', unitId, describeLink(target.link), `${what} ${target.point.id}, ${timeoutMs} ms`);
    throw error;
  }
}

function reading(target: PointTarget, words: readonly number[]): PointReading {
  const { point } = target;
  const reg = point.register;
  // Functions 1 and 2 answer whole bytes of bits (modbus-serial returns 8 or more): keep the point's own.
  const raw = words.slice(0, registerCount(reg));
  const value = decodeRegisters(reg, raw);
  const outside = typeof value === 'number' && point.range !== undefined && (value < point.range.min || value > point.range.max);
  return {
    link: describeLink(target.link),
    unitId: target.link.unitId,
    ...(target.device === undefined ? {} : { device: target.device }),
    point: point.id,
    name: point.name,
    table: reg.table,
    address: reg.address,
    type: reg.type,
    wordOrder: reg.wordOrder,
    scale: reg.scale,
    offset: reg.offset,
    ...(reg.bit === undefined ? {} : { bit: reg.bit }),
    raw,
    rawHex: raw.map((w) => `0x${w.toString(16).padStart(4, '0')}`),
    value,
    unit: point.unit,
    quality: outside ? 'uncertain' : 'good',
    ...(outside ? { reason: `outside the range ${point.range?.min}..${point.range?.max}` } : {}),
  };
}
