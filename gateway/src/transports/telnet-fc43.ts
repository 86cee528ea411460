import { crc16 } from './mbap-framing.js';

/**
 * The parts of modbus-serial's TelnetPort (ports/telnetport.js, the port of
 * its connectTelnet: RTU frames with CRC over TCP) that framing an answer needs.
 */
interface TelnetPortInternals {
  _client: { on(event: 'data', listener: () => void): void };
  _buffer: Buffer;
  _id: number;
  _cmd: number;
  _emitData(start: number, length: number): void;
}

const READ_DEVICE_IDENTIFICATION = 0x2b;
const EXCEPTION_BYTES = 5;
/** unit, 0x2B, MEI, code, conformity, more follows, next object, object count (Modbus App Protocol V1.1b3 §6.21). */
const HEADER_BYTES = 8;

/**
 * TelnetPort cuts an answer by a length known from the request's function
 * code and has none for function 43, so its answers (and exceptions) were
 * never delivered and every Read Device Identification over RTU over TCP
 * timed out. This listener, added after the port's own, frames them: the
 * length follows from the object count and each object's length byte, and
 * the CRC must check.
 */
export function frameDeviceIdentification(port: unknown): void {
  const p = port as TelnetPortInternals;
  p._client.on('data', () => {
    if (p._cmd !== READ_DEVICE_IDENTIFICATION) return;
    const buf = p._buffer;
    for (let i = 0; i + EXCEPTION_BYTES <= buf.length; i++) {
      if (buf[i] !== p._id) continue;
      const length = frameLength(buf, i);
      if (length !== undefined) {
        p._emitData(i, length);
        return;
      }
    }
  });
}

/** The length of a complete, CRC-valid function 43 answer or exception at `start`, or undefined. */
export function frameLength(buf: Buffer, start: number): number | undefined {
  const fc = buf[start + 1];
  if (fc === (READ_DEVICE_IDENTIFICATION | 0x80)) return crcValid(buf, start, EXCEPTION_BYTES) ? EXCEPTION_BYTES : undefined;
  if (fc !== READ_DEVICE_IDENTIFICATION || buf.length < start + HEADER_BYTES) return undefined;
  let at = start + HEADER_BYTES;
  for (let n = buf[start + 7] ?? 0; n > 0; n--) {
    if (buf.length < at + 2) return undefined;
    at += 2 + (buf[at + 1] ?? 0);
  }
  const length = at + 2 - start;
  return buf.length >= start + length && crcValid(buf, start, length) ? length : undefined;
}

function crcValid(buf: Buffer, start: number, length: number): boolean {
  if (buf.length < start + length) return false;
  return crc16(buf.subarray(start, start + length - 2)) === buf.readUInt16LE(start + length - 2);
}
