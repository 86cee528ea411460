import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { FaultBook } from '../faults/fault-book.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { withCrc } from './crc16.js';
import { type Frame, FrameReader, type Framing } from './frames.js';
import { answerPdu, exceptionPdu, GATEWAY_TARGET_FAILED } from './pdu.js';
import { chunkTimes, type SerialWire } from './serial-wire.js';

/**
 * Serves several simulated devices by unit id on one byte stream transport:
 * Modbus TCP (MBAP frames), RTU over TCP (a serial device server) or an RTU
 * serial line. Active faults decide, per request, whether and how to answer.
 */
export class ModbusLineServer {
  readonly #units = new Map<number, SimulatedDevice>();
  readonly #framing: Framing;
  readonly #faults: FaultBook;
  readonly #log: Logger;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #streams = new Set<Duplex>();
  /** A serial line's wire time (serial-wire.ts); none on TCP. */
  readonly #wire: SerialWire | undefined;

  constructor(framing: Framing, devices: readonly SimulatedDevice[], faults: FaultBook, log: Logger, wire?: SerialWire) {
    this.#wire = wire;
    for (const d of devices) this.#units.set(d.unitId, d);
    this.#framing = framing;
    this.#faults = faults;
    this.#log = log;
  }

  /** Serves requests arriving on a stream (a TCP connection or a serial line). */
  serve(stream: Duplex): void {
    const reader = new FrameReader(this.#framing);
    this.#streams.add(stream);
    stream.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) this.#handle(stream, frame);
    });
    stream.on('error', (e: Error) => this.#log.debug({ err: e.message }, 'modbus stream error'));
    stream.on('close', () => this.#streams.delete(stream));
  }

  /** Ends every stream and pending delayed answer. */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const s of this.#streams) s.destroy();
    this.#streams.clear();
  }

  #handle(stream: Duplex, frame: Frame): void {
    const device = this.#units.get(frame.unitId);
    const fc = frame.pdu[0] ?? 0;
    if (!device) {
      // A TCP gateway says its target is missing; on a serial line another address stays silent.
      if (this.#framing === 'tcp') this.#send(stream, frame, exceptionPdu(fc, GATEWAY_TARGET_FAILED));
      return;
    }
    const fault = this.#faults.modbusFault(device.id);
    switch (fault?.kind) {
      case 'no-response':
        this.#log.debug({ device: device.id, fault: fault.id }, 'request ignored (no-response fault)');
        return;
      case 'disconnect':
        this.#log.info({ device: device.id, fault: fault.id }, 'connection dropped (disconnect fault)');
        stream.destroy();
        return;
      case 'exception':
        this.#send(stream, frame, exceptionPdu(fc, fault.exceptionCode ?? 4));
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          if (!stream.destroyed) this.#send(stream, frame, answerPdu(device, frame.pdu));
        }, fault.delayMs ?? 1000);
        this.#timers.add(timer);
        return;
      }
      case 'corrupt-frame':
        this.#send(stream, frame, answerPdu(device, frame.pdu), true);
        return;
      default:
        this.#send(stream, frame, answerPdu(device, frame.pdu));
    }
  }

  #send(stream: Duplex, frame: Frame, pdu: Buffer, corrupt = false): void {
    if (stream.destroyed) return;
    if (this.#framing === 'tcp') {
      const header = Buffer.alloc(7);
      header.writeUInt16BE(frame.transactionId ?? 0, 0);
      header.writeUInt16BE(0, 2);
      header.writeUInt16BE(pdu.length + 1, 4);
      header[6] = frame.unitId;
      stream.write(Buffer.concat([header, pdu]));
      return;
    }
    const out = withCrc(Buffer.concat([Buffer.from([frame.unitId]), pdu]));
    if (corrupt) {
      // Flip the CRC so the client sees a frame that fails its check (Modbus over Serial Line §6.2.2).
      out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0xff;
      out[out.length - 2] = (out[out.length - 2] ?? 0) ^ 0xff;
    }
    if (!this.#wire) {
      stream.write(out);
      return;
    }
    // Unit id + PDU + CRC on the wire, the request's and then the answer's, a chunk at a time as its bytes arrive.
    // Rounded up: Node's timers run at whole milliseconds, and no byte may arrive before it could.
    const end = this.#wire.answerDelayMs(performance.now(), frame.pdu.length + 3, out.length);
    let from = 0;
    for (const [upTo, at] of chunkTimes(end, out.length, this.#wire.baudRate)) {
      const chunk = out.subarray(from, upTo);
      from = upTo;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (!stream.destroyed) stream.write(chunk);
      }, Math.ceil(at));
      this.#timers.add(timer);
    }
  }
}

/** A Modbus TCP or RTU-over-TCP listener on one host:port. */
export class ModbusTcpListener {
  readonly line: ModbusLineServer;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(line: ModbusLineServer) {
    this.line = line;
  }

  start(host: string, port: number): Promise<number> {
    const server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      this.line.serve(socket);
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  async stop(): Promise<void> {
    this.line.close();
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
