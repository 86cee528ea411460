/**
 * Modbus TCP framing (Modbus Messaging on TCP/IP Implementation Guide V1.0b
 * §3.1.3): every ADU is a 7-byte MBAP header — transaction id, protocol id
 * (0 = Modbus), length (the bytes that follow it: unit id + PDU) and unit id —
 * then the PDU (at most 253 bytes, Modbus Application Protocol V1.1b3 §4.1).
 *
 * The length field is the only thing that delimits one answer from the next, so
 * a header that lies about it puts every later answer out of step. This parser
 * checks the header before trusting the length, and the caller discards what
 * is left of a broken stream instead of reading the next answer through it.
 */
export const MBAP_HEADER_BYTES = 7;
export const MAX_PDU_BYTES = 253;
/** The largest ADU a conforming server can send: the bound on what is buffered. */
export const MAX_ADU_BYTES = MBAP_HEADER_BYTES - 1 + 1 + MAX_PDU_BYTES;
/** unit id + function code: a shorter "length" cannot carry any answer. */
const MIN_LENGTH_FIELD = 2;
const MAX_LENGTH_FIELD = 1 + MAX_PDU_BYTES;

export type MbapParse =
  | { readonly kind: 'incomplete' }
  /** The header cannot be trusted: the stream is out of step from here on. */
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'frame'; readonly tid: number; readonly unitId: number; readonly pdu: Buffer; readonly size: number };

/** Parses one ADU from the front of `buf` (pure: table-tested). */
export function parseMbap(buf: Buffer): MbapParse {
  // The protocol id and length are known after 6 bytes: reject noise as soon as it shows.
  if (buf.length >= 4) {
    const protocolId = buf.readUInt16BE(2);
    if (protocolId !== 0) return { kind: 'invalid', reason: `MBAP protocol id ${protocolId}, not 0 (Modbus)` };
  }
  if (buf.length >= 6) {
    const length = buf.readUInt16BE(4);
    if (length < MIN_LENGTH_FIELD || length > MAX_LENGTH_FIELD) {
      return { kind: 'invalid', reason: `MBAP length ${length} outside ${MIN_LENGTH_FIELD}..${MAX_LENGTH_FIELD}` };
    }
  }
  if (buf.length < MBAP_HEADER_BYTES) return { kind: 'incomplete' };
  const size = 6 + buf.readUInt16BE(4);
  if (buf.length < size) return { kind: 'incomplete' };
  return { kind: 'frame', tid: buf.readUInt16BE(0), unitId: buf[6] as number, pdu: buf.subarray(MBAP_HEADER_BYTES, size), size };
}

/** One ADU: `tid`, protocol 0, length, unit id, PDU (tests and tools frame answers with it; the gateway's requests come from modbus-pdu.ts). */
export function encodeMbap(tid: number, unitId: number, pdu: Buffer): Buffer {
  const head = Buffer.alloc(MBAP_HEADER_BYTES);
  head.writeUInt16BE(tid, 0);
  head.writeUInt16BE(0, 2);
  head.writeUInt16BE(pdu.length + 1, 4);
  head[6] = unitId;
  return Buffer.concat([head, pdu]);
}

/** Modbus over Serial Line V1.02 §6.2.2: CRC-16, polynomial 0xA001, initial 0xFFFF (sent low byte first). */
export function crc16(data: Buffer): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
  }
  return crc;
}

/** unit id + PDU + CRC: an RTU frame, the shape modbus-serial's RTU ports hand its response parser (tests build answers with it). */
export function toRtuFrame(unitId: number, pdu: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([unitId]), pdu]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body), 0);
  return Buffer.concat([body, crc]);
}
