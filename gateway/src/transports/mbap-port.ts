import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { encodeMbap, MAX_ADU_BYTES, parseMbap, toRtuFrame } from './mbap-framing.js';

/** What the port tells its connection about the byte stream. */
export interface FramingListener {
  /** The answer to the request in flight cannot be framed: fail it now. */
  invalid(reason: string): void;
  /** Bytes left over from an earlier exchange were discarded before a new request. */
  discarded(reason: string): void;
}

/** modbus-serial keeps one entry per transaction id and never deletes them: a small id space bounds that map. */
const TID_SPACE = 256;

/**
 * A Modbus TCP port for modbus-serial (the shape of its ports/tcpport.js:
 * open/close/destroy/write, `isOpen`, "data" with an RTU-shaped frame) that
 * validates every MBAP header instead of trusting its length field.
 *
 * modbus-serial's own TcpPort keeps a partial answer across requests and
 * reads the next answer through it, and takes the transaction id from
 * whatever header it finds: after one answer with a wrong length, a truncated
 * answer or line noise, every later correct answer is misframed or ignored
 * (issue 18). Here one transaction is in flight at a time, so whatever is
 * buffered when a request is sent belongs to an exchange that is over and is
 * discarded; an answer whose transaction id is not the one in flight (a late
 * answer to a request that already timed out) is skipped; a header with a
 * protocol id other than 0 or an impossible length fails the request in
 * flight at once, and the rest of the buffer is dropped.
 */
export class MbapPort extends EventEmitter {
  // modbus-serial reads and writes these two fields on its port (index.js open/_onReceive).
  _transactionIdRead = 1;
  _transactionIdWrite = 1;
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  readonly #framing: FramingListener;
  #socket: Socket | undefined;
  #open = false;
  #rx: Buffer = Buffer.alloc(0);
  #expected: number | undefined;

  constructor(host: string, port: number, connectTimeoutMs: number, framing: FramingListener) {
    super();
    this.#host = host;
    this.#port = port;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#framing = framing;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(callback: (err?: Error) => void): void {
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      callback(err);
    };
    const socket = connect({ host: this.#host, port: this.#port });
    this.#socket = socket;
    // Without a connect timeout a black-holed host holds the link for the OS's SYN retries (minutes).
    socket.setTimeout(this.#connectTimeoutMs, () => {
      if (!this.#open) socket.destroy(Object.assign(new Error('TCP Connection Timed Out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.setNoDelay(true);
      this.#open = true;
      done();
    });
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (err) => done(err));
    socket.once('close', () => {
      const wasOpen = this.#open;
      this.#open = false;
      this.#rx = Buffer.alloc(0);
      done(new Error('Port Not Open'));
      if (wasOpen) this.emit('close');
    });
  }

  /** Closing never waits for the peer: a half-open or stalled link must not hold a shutdown. */
  close(callback?: (err?: Error) => void): void {
    this.destroy(callback);
  }

  destroy(callback?: (err?: Error) => void): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    if (!socket || socket.destroyed) {
      callback?.();
      return;
    }
    socket.once('close', () => callback?.());
    socket.destroy();
  }

  /** `data` is modbus-serial's RTU frame (unit, PDU, CRC); Modbus TCP carries unit and PDU under an MBAP header. */
  write(data: Buffer): void {
    if (data.length < 4 || !this.#socket) return;
    if (this.#rx.length > 0) {
      this.#framing.discarded(`${this.#rx.length} stray bytes after the previous answer discarded`);
      this.#rx = Buffer.alloc(0);
    }
    const tid = this._transactionIdWrite;
    this.#expected = tid;
    this.#socket.write(encodeMbap(tid, data[0] as number, data.subarray(1, -2)));
    this._transactionIdWrite = (tid % (TID_SPACE - 1)) + 1;
  }

  #receive(chunk: Buffer): void {
    this.#rx = this.#rx.length === 0 ? chunk : Buffer.concat([this.#rx, chunk]);
    for (;;) {
      const parsed = parseMbap(this.#rx);
      if (parsed.kind === 'incomplete') {
        // A conforming answer is never longer than one ADU: more is noise, not a slow answer.
        if (this.#rx.length > MAX_ADU_BYTES) this.#invalid(`${this.#rx.length} bytes without a complete MBAP frame`);
        return;
      }
      if (parsed.kind === 'invalid') {
        this.#invalid(parsed.reason);
        return;
      }
      this.#rx = this.#rx.subarray(parsed.size);
      if (parsed.tid !== this.#expected) continue; // a late answer to a request that is no longer in flight
      this.#expected = undefined;
      this._transactionIdRead = parsed.tid;
      this.emit('data', toRtuFrame(parsed.unitId, parsed.pdu));
    }
  }

  #invalid(reason: string): void {
    this.#rx = Buffer.alloc(0);
    if (this.#expected === undefined) this.#framing.discarded(reason);
    else {
      this.#expected = undefined;
      this.#framing.invalid(reason);
    }
  }
}
