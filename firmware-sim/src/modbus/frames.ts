import { crcValid } from './crc16.js';

/**
 * Splits a byte stream into Modbus request frames. TCP frames carry their
 * length in the MBAP header (Modbus Messaging on TCP/IP V1.0b §3.1.3); RTU
 * frames do not, so a server computes a request's length from its function
 * code, as real slaves do when the 3.5-character silence is not reliable
 * (RTU over TCP, pseudo-terminals).
 */
export interface Frame {
  readonly unitId: number;
  readonly pdu: Buffer;
  /** MBAP transaction id (TCP only), echoed in the answer. */
  readonly transactionId?: number;
}

export type Framing = 'tcp' | 'rtu';

export class FrameReader {
  #buffer = Buffer.alloc(0);
  readonly #framing: Framing;

  constructor(framing: Framing) {
    this.#framing = framing;
  }

  /** Adds bytes and returns every complete frame; bytes of a bad RTU frame are dropped, as a slave ignores them. */
  push(chunk: Buffer): Frame[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.#framing === 'tcp' ? this.#nextTcp() : this.#nextRtu();
      if (frame === undefined) return frames;
      if (frame !== null) frames.push(frame);
    }
  }

  #nextTcp(): Frame | null | undefined {
    if (this.#buffer.length < 7) return undefined;
    const length = this.#buffer.readUInt16BE(4);
    if (this.#buffer.length < 6 + length) return undefined;
    const frame = this.#buffer.subarray(0, 6 + length);
    this.#buffer = this.#buffer.subarray(6 + length);
    return { transactionId: frame.readUInt16BE(0), unitId: frame[6] ?? 0, pdu: Buffer.from(frame.subarray(7)) };
  }

  #nextRtu(): Frame | null | undefined {
    const length = rtuRequestLength(this.#buffer);
    if (length === undefined || this.#buffer.length < length) return undefined;
    const frame = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    if (!crcValid(frame)) {
      // Resynchronise: a bad CRC or an unknown function discards everything buffered.
      this.#buffer = Buffer.alloc(0);
      return null;
    }
    return { unitId: frame[0] ?? 0, pdu: Buffer.from(frame.subarray(1, length - 2)) };
  }
}

/** Length of the RTU request starting the buffer (unit + PDU + CRC), or undefined until enough bytes arrived. */
function rtuRequestLength(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  const fc = buf[1] ?? 0;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buf.length < 7 ? undefined : 9 + (buf[6] ?? 0);
  // Read Device Identification (§6.21): unit, 0x2B, MEI 0x0E, code, object id, CRC.
  if (fc === 0x2b) return 7;
  // An unsupported function: take what there is, the CRC check decides.
  return buf.length;
}
