import { MBAP_HEADER_BYTES } from './mbap-framing.js';

/**
 * Modbus TCP requests and answers, built and read directly (pure,
 * table-tested). A request is one ADU — the 7-byte MBAP header (Modbus
 * Messaging on TCP/IP V1.0b §3.1.3) then the PDU (Modbus Application Protocol
 * V1.1b3 §4.1) — with transaction id 0: the port stamps the id it issues.
 * An answer's PDU is checked in modbus-serial's order (index.js `_onReceive`)
 * and failures worded as it words them, so modbus-errors.ts classifies them
 * the same: an exception answer (function | 0x80, §7) carries `modbusCode`;
 * a wrong length is a "Data length error", a wrong unit or function an
 * "Unexpected data error" — bad frames.
 */
export const FC = {
  readCoils: 1,
  readDiscreteInputs: 2,
  readHoldingRegisters: 3,
  readInputRegisters: 4,
  writeSingleCoil: 5,
  writeSingleRegister: 6,
  writeMultipleCoils: 15,
  writeMultipleRegisters: 16,
  encapsulatedInterface: 43,
} as const;

/** §6.21: MEI type 14, Read Device Identification. */
const MEI_READ_DEVICE_ID = 0x0e;
const EXCEPTION_BIT = 0x80;
/** §6.5: ON is 0xFF00, OFF 0x0000. */
const COIL_ON = 0xff00;

/** What an answer to a request must be: its function, and its PDU's length when the function fixes it. */
export interface AnswerShape {
  readonly unitId: number;
  readonly fc: number;
  /** undefined: the length varies (function 43). */
  readonly pduBytes: number | undefined;
}

/** An ADU of `pduBytes` with its header and function code written; the caller writes the rest of the PDU from byte 8. */
function adu(unitId: number, fc: number, pduBytes: number): Buffer {
  const buf = Buffer.allocUnsafe(MBAP_HEADER_BYTES + pduBytes);
  buf.writeUInt32BE(0, 0); // transaction id (stamped by the port), protocol id 0
  buf.writeUInt16BE(pduBytes + 1, 4);
  buf[6] = unitId;
  buf[7] = fc;
  return buf;
}

/** §6.1–6.4 (functions 1–4): address and quantity, a 12-byte ADU. */
export function readRequest(unitId: number, fc: number, address: number, quantity: number): Buffer {
  const buf = adu(unitId, fc, 5);
  buf.writeUInt16BE(address, 8);
  buf.writeUInt16BE(quantity, 10);
  return buf;
}

/** The answer to a read: §6.1–6.2 one byte per 8 bits, §6.3–6.4 two per register, after function and byte count. */
export function readShape(unitId: number, fc: number, quantity: number): AnswerShape {
  const bits = fc === FC.readCoils || fc === FC.readDiscreteInputs;
  return { unitId, fc, pduBytes: 2 + (bits ? Math.ceil(quantity / 8) : 2 * quantity) };
}

/** §6.5 (coil, ON/OFF) and §6.6 (register): the answer echoes the request. */
export function writeSingleRequest(unitId: number, fc: 5 | 6, address: number, value: number): Buffer {
  const buf = adu(unitId, fc, 5);
  buf.writeUInt16BE(address, 8);
  buf.writeUInt16BE(value, 10);
  return buf;
}

export function coilValue(state: boolean): number {
  return state ? COIL_ON : 0;
}

/** §6.12: address, quantity, byte count, the registers (from an array, or a buffer of big-endian words). */
export function writeRegistersRequest(unitId: number, address: number, values: readonly number[] | Buffer): Buffer {
  const bytes = Buffer.isBuffer(values) ? values.length : 2 * values.length;
  const buf = adu(unitId, FC.writeMultipleRegisters, 6 + bytes);
  buf.writeUInt16BE(address, 8);
  buf.writeUInt16BE(bytes / 2, 10);
  buf[12] = bytes;
  if (Buffer.isBuffer(values)) values.copy(buf, 13);
  else for (let i = 0; i < values.length; i++) buf.writeUInt16BE(values[i] as number, 13 + 2 * i);
  return buf;
}

/** §6.11: address, quantity, byte count, the bits packed LSB first. */
export function writeCoilsRequest(unitId: number, address: number, states: readonly boolean[]): Buffer {
  const bytes = Math.ceil(states.length / 8);
  const buf = adu(unitId, FC.writeMultipleCoils, 6 + bytes);
  buf.writeUInt16BE(address, 8);
  buf.writeUInt16BE(states.length, 10);
  buf[12] = bytes;
  buf.fill(0, 13);
  for (let i = 0; i < states.length; i++) if (states[i]) buf[13 + (i >> 3)] = (buf[13 + (i >> 3)] as number) | (1 << (i & 7));
  return buf;
}

/** §6.12 / §6.11 / §6.5 / §6.6: the answer to a write is 5 bytes (function, address, quantity or value). */
export function writeShape(unitId: number, fc: number): AnswerShape {
  return { unitId, fc, pduBytes: 5 };
}

/** §6.21: function 43, MEI 14, read device id code, object id. */
export function deviceIdRequest(unitId: number, deviceIdCode: number, objectId: number): Buffer {
  const buf = adu(unitId, FC.encapsulatedInterface, 4);
  buf[8] = MEI_READ_DEVICE_ID;
  buf[9] = deviceIdCode;
  buf[10] = objectId;
  return buf;
}

export function deviceIdShape(unitId: number): AnswerShape {
  return { unitId, fc: FC.encapsulatedInterface, pduBytes: undefined };
}

/** §7, as modbus-serial words them. */
const EXCEPTION_TEXT: Readonly<Record<number, string>> = {
  1: 'Illegal function (device does not support this read/write function)',
  2: 'Illegal data address (register not supported by device)',
  3: 'Illegal data value (value cannot be written to this register)',
  4: 'Slave device failure (device reports internal error)',
  5: 'Acknowledge (requested data will be available later)',
  6: 'Slave device busy (retry request again later)',
  8: 'Memory parity error',
  10: 'Gateway path unavailable',
  11: 'Gateway target device failed to respond',
};

function lengthError(expected: number, got: number): Error {
  return new Error(`Data length error, expected ${expected} got ${got}`);
}

/**
 * Why `pdu` (from unit `unitId`) is not the answer `shape` wants, or
 * undefined if it is. An exception answer is taken as one whatever its unit;
 * then the length, the unit and the function must match.
 */
export function answerError(shape: AnswerShape, unitId: number, pdu: Buffer): Error | undefined {
  if (pdu.length < 2) return lengthError(shape.pduBytes ?? 2, pdu.length);
  const fc = pdu[0] as number;
  if (fc === (EXCEPTION_BIT | shape.fc)) {
    const code = pdu[1] as number;
    return Object.assign(new Error(`Modbus exception ${code}: ${EXCEPTION_TEXT[code] ?? 'Unknown error'}`), { modbusCode: code });
  }
  if (shape.pduBytes !== undefined && pdu.length !== shape.pduBytes) return lengthError(shape.pduBytes, pdu.length);
  if (unitId !== shape.unitId) return new Error(`Unexpected data error, expected address ${shape.unitId} got ${unitId}`);
  if (fc !== shape.fc) return new Error(`Unexpected data error, expected code ${shape.fc} got ${fc}`);
  // Functions 1–4: the byte count must say what the length does (modbus-serial trusts it and reads past the end).
  if (fc <= FC.readInputRegisters && pdu[1] !== pdu.length - 2) return lengthError(pdu.length - 2, pdu[1] as number);
  return undefined;
}

/** §6.1–6.2: every bit of every byte, LSB first (whole bytes, as modbus-serial answers: callers keep the ones they asked for). */
export function bitsOf(pdu: Buffer): { data: boolean[]; buffer: Buffer } {
  const bytes = pdu[1] as number;
  const data = new Array<boolean>(bytes * 8);
  for (let i = 0; i < bytes; i++) {
    const byte = pdu[2 + i] as number;
    for (let j = 0; j < 8; j++) data[i * 8 + j] = ((byte >> j) & 1) === 1;
  }
  return { data, buffer: pdu.subarray(2) };
}

/** §6.3–6.4: big-endian registers. */
export function registersOf(pdu: Buffer): { data: number[]; buffer: Buffer } {
  const n = (pdu[1] as number) >> 1;
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = pdu.readUInt16BE(2 + 2 * i);
  return { data, buffer: pdu.subarray(2) };
}

/** §6.5: the coil's address and state echoed. */
export function coilWrittenOf(pdu: Buffer): { address: number; state: boolean } {
  return { address: pdu.readUInt16BE(1), state: pdu.readUInt16BE(3) === COIL_ON };
}

/** §6.6: the register's address and value echoed. */
export function registerWrittenOf(pdu: Buffer): { address: number; value: number } {
  return { address: pdu.readUInt16BE(1), value: pdu.readUInt16BE(3) };
}

/** §6.11–6.12: the address and quantity written. */
export function multipleWrittenOf(pdu: Buffer): { address: number; length: number } {
  return { address: pdu.readUInt16BE(1), length: pdu.readUInt16BE(3) };
}

/** One answer of §6.21: the objects it carries, and where the stream goes on if more follows. */
export interface DeviceIdPart {
  readonly conformityLevel: number;
  readonly moreFollows: boolean;
  readonly nextObjectId: number;
  readonly objects: Record<number, string>;
}

/** §6.21 answer: MEI 14, code, conformity level, more follows, next object id, number of objects, then id/length/value each. */
export function deviceIdOf(pdu: Buffer): DeviceIdPart | Error {
  if (pdu.length < 7 || pdu[1] !== MEI_READ_DEVICE_ID) return lengthError(7, pdu.length);
  const count = pdu[6] as number;
  const objects: Record<number, string> = {};
  let at = 7;
  for (let i = 0; i < count; i++) {
    if (at + 2 > pdu.length) return lengthError(at + 2, pdu.length);
    const end = at + 2 + (pdu[at + 1] as number);
    if (end > pdu.length) return lengthError(end, pdu.length);
    objects[pdu[at] as number] = pdu.toString('ascii', at + 2, end);
    at = end;
  }
  return { conformityLevel: pdu[3] as number, moreFollows: pdu[4] !== 0 && count > 0, nextObjectId: pdu[5] as number, objects };
}
