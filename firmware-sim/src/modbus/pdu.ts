import type { RegisterTable } from '@lifeline/core';
import { ModbusException } from '../simulated-device.js';
import { answerDeviceIdentification, type DeviceIdentity } from './device-identification.js';

/** The register map a PDU acts on: what SimulatedDevice offers a Modbus server. */
export interface RegisterMap {
  read(table: RegisterTable, address: number, length: number): number[];
  write(table: RegisterTable, address: number, word: number): void;
  /** Read Device Identification objects (function 43/14); a map without them answers "illegal function". */
  readonly identity?: DeviceIdentity;
}

/** Modbus Application Protocol V1.1b3 §7 exception codes. */
export const ILLEGAL_FUNCTION = 0x01;
export const ILLEGAL_DATA_VALUE = 0x03;
export const SERVER_DEVICE_FAILURE = 0x04;
export const GATEWAY_TARGET_FAILED = 0x0b;

const READ_TABLES: Record<number, RegisterTable> = { 1: 'coil', 2: 'discrete', 3: 'holding', 4: 'input' };
// §6.1–6.4: at most 2000 bits or 125 registers per read.
const MAX_READ: Record<RegisterTable, number> = { coil: 2000, discrete: 2000, holding: 125, input: 125 };

/** An exception answer: the function code with its high bit set, then the code (§7). */
export function exceptionPdu(fc: number, code: number): Buffer {
  return Buffer.from([fc | 0x80, code]);
}

/**
 * Answers one request PDU from a register map (function codes 1–6, 15, 16,
 * and 43/14 where the map has an identity).
 * Errors of the map become exception answers, never thrown.
 */
export function answerPdu(map: RegisterMap, pdu: Buffer): Buffer {
  const fc = pdu[0] ?? 0;
  try {
    return answer(map, fc, pdu);
  } catch (e) {
    if (e instanceof ModbusException) return exceptionPdu(fc, e.modbusErrorCode);
    return exceptionPdu(fc, SERVER_DEVICE_FAILURE);
  }
}

function answer(map: RegisterMap, fc: number, pdu: Buffer): Buffer {
  // §6.21: the request is 4 bytes (function, MEI type, code, object id), shorter than a read's 5.
  if (fc === 0x2b && map.identity) return answerDeviceIdentification(map.identity, pdu);
  if (pdu.length < 5) throw new ModbusException(ILLEGAL_DATA_VALUE, 'short request');
  const address = pdu.readUInt16BE(1);
  const table = READ_TABLES[fc];
  if (table) {
    const count = pdu.readUInt16BE(3);
    if (count < 1 || count > MAX_READ[table]) throw new ModbusException(ILLEGAL_DATA_VALUE, `count ${count}`);
    const values = map.read(table, address, count);
    return table === 'coil' || table === 'discrete' ? bitsAnswer(fc, values) : wordsAnswer(fc, values);
  }
  switch (fc) {
    case 5: {
      const raw = pdu.readUInt16BE(3);
      if (raw !== 0xff00 && raw !== 0x0000) throw new ModbusException(ILLEGAL_DATA_VALUE, 'coil value must be FF00 or 0000');
      map.write('coil', address, raw === 0xff00 ? 1 : 0);
      return Buffer.from(pdu.subarray(0, 5));
    }
    case 6:
      map.write('holding', address, pdu.readUInt16BE(3));
      return Buffer.from(pdu.subarray(0, 5));
    case 15: {
      const count = pdu.readUInt16BE(3);
      for (let i = 0; i < count; i++) map.write('coil', address + i, ((pdu[6 + (i >> 3)] ?? 0) >> (i & 7)) & 1);
      return Buffer.from(pdu.subarray(0, 5));
    }
    case 16: {
      const count = pdu.readUInt16BE(3);
      if (pdu.length < 6 + 2 * count) throw new ModbusException(ILLEGAL_DATA_VALUE, 'short write');
      for (let i = 0; i < count; i++) map.write('holding', address + i, pdu.readUInt16BE(6 + 2 * i));
      return Buffer.from(pdu.subarray(0, 5));
    }
    default:
      throw new ModbusException(ILLEGAL_FUNCTION, `function ${fc}`);
  }
}

function bitsAnswer(fc: number, bits: readonly number[]): Buffer {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) bytes[i >> 3] = (bytes[i >> 3] ?? 0) | (1 << (i & 7));
  });
  return Buffer.concat([Buffer.from([fc, bytes.length]), bytes]);
}

function wordsAnswer(fc: number, words: readonly number[]): Buffer {
  const out = Buffer.alloc(2 + words.length * 2);
  out[0] = fc;
  out[1] = words.length * 2;
  for (const [i, w] of words.entries()) out.writeUInt16BE(w & 0xffff, 2 + 2 * i);
  return out;
}
