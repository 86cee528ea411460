import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { encodeMbap, MAX_ADU_BYTES, parseMbap, toRtuFrame } from './mbap-framing.js';
import { TransactionIds } from './transaction-ids.js';

/** What the port tells its connection about the byte stream. */
export interface FramingListener {
  /** The answers to the requests in flight cannot be framed: fail them now. */
  invalid(reason: string): void;
  /** Bytes left over from an earlier exchange were discarded before a new request. */
  discarded(reason: string): void;
  /** An answer with `tid` came after its request was given up (and was dropped). */
  late(tid: number): void;
}

/**
 * A Modbus TCP port for modbus-serial (the shape of its ports/tcpport.js:
 * open/close/destroy/write, `isOpen`, "data" with an RTU-shaped frame) that
 * validates every MBAP header instead of trusting its length field, and
 * matches answers to requests by transaction id (transaction-ids.ts).
 *
 * modbus-serial's own TcpPort keeps a partial answer across requests and
 * reads the next answer through it, and takes the transaction id from
 * whatever header it finds: after one answer with a wrong length, a truncated
 * answer or line noise, every later correct answer is misframed or ignored
 * (issue 18). Here an answer is handed on only when its transaction id is one
 * in flight: a late answer to a request already given up (timed out, the
 * connection `retire`s it) is dropped, also with several requests in flight
 * (pipelining, issue 16). With nothing in flight, whatever is buffered when a
 * request is sent belongs to an exchange that is over and is discarded. A
 * header with a protocol id other than 0 or an impossible length fails what is
 * in flight at once, and the rest of the buffer is dropped.
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
  readonly #tids = new TransactionIds();
  /** The id of the last request written (the connection retires it when its exchange is over), and how many were. */
  lastTid = 0;
  written = 0;

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
      this.#tids.retireAll();
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
    if (this.#rx.length > 0 && this.#tids.outstanding === 0) {
      this.#framing.discarded(`${this.#rx.length} stray bytes after the previous answer discarded`);
      this.#rx = Buffer.alloc(0);
    }
    const tid = this.#tids.issue();
    this.lastTid = tid;
    this.written += 1;
    this.#socket.write(encodeMbap(tid, data[0] as number, data.subarray(1, -2)));
    // modbus-serial keys its next transaction by this field before it writes.
    this._transactionIdWrite = this.#tids.next;
  }

  /** The exchange of `tid` is over (answered, timed out or failed): an answer with that id is late from now on. */
  retire(tid: number): void {
    this.#tids.retire(tid);
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
      if (this.#tids.match(parsed.tid) === 'late') {
        // A late answer to a request that is no longer in flight: dropped, but its timing is news.
        this.#framing.late(parsed.tid);
        continue;
      }
      this._transactionIdRead = parsed.tid;
      this.emit('data', toRtuFrame(parsed.unitId, parsed.pdu));
    }
  }

  #invalid(reason: string): void {
    this.#rx = Buffer.alloc(0);
    if (this.#tids.outstanding === 0) this.#framing.discarded(reason);
    else {
      this.#tids.retireAll();
      this.#framing.invalid(reason);
    }
  }
}
