import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from './ports.js';

/** A decoded request, as the responder's handler sees it. */
export interface ModbusRequest {
  readonly unitId: number;
  readonly functionCode: number;
  readonly address: number;
  /** Registers or bits asked for (reads), or written (write multiple); 1 for single writes. */
  readonly quantity: number;
  /** The value of a single write (function 5 or 6). */
  readonly value?: number;
}

/** What to do with a request: answer, refuse, stay silent, send bytes of our choosing, or drop the link. */
export type ModbusAnswer =
  | { readonly kind: 'registers'; readonly values: readonly number[] }
  | { readonly kind: 'echo' }
  | { readonly kind: 'exception'; readonly code: number }
  | { readonly kind: 'silent' }
  | { readonly kind: 'pdu'; readonly pdu: Buffer; readonly unitId?: number; readonly badCrc?: boolean }
  | { readonly kind: 'close' }
  /** Bytes written as they are, given the request's transaction id: broken MBAP headers, truncation, noise. */
  | { readonly kind: 'raw'; readonly bytes: (tid: number) => Buffer };

export type Handler = (req: ModbusRequest) => ModbusAnswer | Promise<ModbusAnswer>;

/**
 * A raw-socket Modbus responder for faults no real server produces on demand:
 * dead or slow units, every exception code, malformed answers (short frames,
 * wrong unit id or function code, bad CRC) and dropped links. Speaks MBAP
 * (Modbus TCP) or RTU framing over TCP (Modbus over Serial Line V1.02 §2.5.1).
 */
export class ModbusResponder {
  readonly port: number;
  readonly requests: ModbusRequest[] = [];
  /** When each request arrived and when its answer was written (performance.now()), for timing checks. */
  readonly timeline: { readonly kind: 'request' | 'answer'; readonly at: number }[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  handler: Handler;

  private constructor(port: number, server: Server, handler: Handler) {
    this.port = port;
    this.#server = server;
    this.handler = handler;
  }

  static async start(handler: Handler, framing: 'tcp' | 'rtu' = 'tcp', port?: number): Promise<ModbusResponder> {
    const p = port ?? (await freePort());
    const server = createServer();
    const responder = new ModbusResponder(p, server, handler);
    server.on('connection', (socket) => responder.#serve(socket, framing));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => resolve());
    });
    return responder;
  }

  /** Drops every open connection (the server keeps listening): a TCP link drop. */
  dropConnections(): void {
    for (const s of this.#sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #serve(socket: Socket, framing: 'tcp' | 'rtu'): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const frame = framing === 'tcp' ? takeMbap(buffer) : takeRtu(buffer);
        if (!frame) return;
        buffer = buffer.subarray(frame.size);
        void this.#answer(socket, framing, frame.unitId, frame.pdu, frame.tid);
      }
    });
  }

  async #answer(socket: Socket, framing: 'tcp' | 'rtu', unitId: number, pdu: Buffer, tid: number): Promise<void> {
    const fc = pdu[0] as number;
    const req: ModbusRequest = {
      unitId,
      functionCode: fc,
      address: pdu.readUInt16BE(1),
      quantity: fc === 5 || fc === 6 ? 1 : pdu.readUInt16BE(3),
      ...(fc === 5 || fc === 6 ? { value: pdu.readUInt16BE(3) } : {}),
    };
    this.requests.push(req);
    this.timeline.push({ kind: 'request', at: performance.now() });
    const answer = await this.handler(req);
    if (socket.destroyed) return;
    let out: { pdu: Buffer; unitId: number; badCrc?: boolean } | undefined;
    switch (answer.kind) {
      case 'silent':
        return;
      case 'close':
        socket.destroy();
        return;
      case 'raw':
        socket.write(answer.bytes(tid));
        this.timeline.push({ kind: 'answer', at: performance.now() });
        return;
      case 'echo':
        out = { pdu: pdu.subarray(0, 5), unitId };
        break;
      case 'exception':
        out = { pdu: Buffer.from([fc | 0x80, answer.code]), unitId };
        break;
      case 'registers':
        out = { pdu: readResponse(fc, answer.values), unitId };
        break;
      case 'pdu':
        out = { pdu: answer.pdu, unitId: answer.unitId ?? unitId, ...(answer.badCrc ? { badCrc: true } : {}) };
        break;
    }
    socket.write(framing === 'tcp' ? mbap(tid, out.unitId, out.pdu) : rtu(out.unitId, out.pdu, out.badCrc === true));
    this.timeline.push({ kind: 'answer', at: performance.now() });
  }
}

/** Function 1–4 response: bits packed LSB first (fc 1, 2) or big-endian registers (fc 3, 4). */
export function readResponse(fc: number, values: readonly number[]): Buffer {
  if (fc === 1 || fc === 2) {
    const bytes = Buffer.alloc(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (i & 7));
    });
    return Buffer.concat([Buffer.from([fc, bytes.length]), bytes]);
  }
  const body = Buffer.alloc(values.length * 2);
  for (const [i, v] of values.entries()) body.writeUInt16BE(v & 0xffff, i * 2);
  return Buffer.concat([Buffer.from([fc, body.length]), body]);
}

function takeMbap(buf: Buffer): { size: number; unitId: number; pdu: Buffer; tid: number } | undefined {
  if (buf.length < 7) return undefined;
  const size = 6 + buf.readUInt16BE(4);
  if (buf.length < size) return undefined;
  return { size, tid: buf.readUInt16BE(0), unitId: buf[6] as number, pdu: buf.subarray(7, size) };
}

function takeRtu(buf: Buffer): { size: number; unitId: number; pdu: Buffer; tid: number } | undefined {
  if (buf.length < 8) return undefined;
  const fc = buf[1] as number;
  const size = fc === 15 || fc === 16 ? 9 + (buf[6] as number) : 8;
  if (buf.length < size) return undefined;
  return { size, tid: 0, unitId: buf[0] as number, pdu: buf.subarray(1, size - 2) };
}

export function mbap(tid: number, unitId: number, pdu: Buffer): Buffer {
  const head = Buffer.alloc(7);
  head.writeUInt16BE(tid, 0);
  head.writeUInt16BE(0, 2);
  head.writeUInt16BE(pdu.length + 1, 4);
  head[6] = unitId;
  return Buffer.concat([head, pdu]);
}

function rtu(unitId: number, pdu: Buffer, badCrc: boolean): Buffer {
  const body = Buffer.concat([Buffer.from([unitId]), pdu]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body) ^ (badCrc ? 0xffff : 0), 0);
  return Buffer.concat([body, crc]);
}

/** Modbus over Serial Line V1.02 §6.2.2: CRC-16, polynomial 0xA001, initial 0xFFFF, low byte first. */
export function crc16(data: Buffer): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
  }
  return crc;
}
