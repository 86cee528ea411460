import { connect, type Socket } from 'node:net';
import { MAX_ADU_BYTES, parseMbap } from './mbap-framing.js';
import { TransactionIds } from './transaction-ids.js';

/** What the port tells its connection about the byte stream. */
export interface FramingListener {
  /** Bytes left over from an earlier exchange were discarded before a new request. */
  discarded(reason: string): void;
  /** An answer with `tid` came after its request was given up (and was dropped). */
  late(tid: number): void;
}

/** A request on the wire: the port hands it its answer's unit id and PDU, or fails it. */
export interface MbapRequest {
  answer(unitId: number, pdu: Buffer): void;
  fail(e: Error): void;
}

/** The answers in flight could not be framed; the wording ("Bad response") classifies it as a bad frame (modbus-errors.ts). */
export function framingError(reason: string): Error {
  return Object.assign(new Error(`Bad response framing: ${reason}`), { framing: true });
}

/** The link is gone: what a request on it fails with (an I/O failure, so the scheduler reopens the link). */
export function portNotOpen(message = 'Port Not Open'): Error {
  return Object.assign(new Error(message), { errno: 'ECONNRESET' });
}

/**
 * A Modbus TCP port: writes request ADUs (modbus-pdu.ts), validates every
 * MBAP header instead of trusting its length field, and hands each answer to
 * the request in flight with its transaction id (transaction-ids.ts).
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
export class MbapPort {
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  readonly #framing: FramingListener;
  #socket: Socket | undefined;
  #open = false;
  #rx: Buffer = Buffer.alloc(0);
  /** The ids in flight, each with its request. */
  readonly #tids = new TransactionIds<MbapRequest>();

  constructor(host: string, port: number, connectTimeoutMs: number, framing: FramingListener) {
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
      this.#failAll(portNotOpen(wasOpen ? 'Port closed by the peer' : 'Port Not Open'));
    });
  }

  /** Fails what is in flight and closes; never waits for the peer: a half-open or stalled link must not hold a shutdown. */
  destroy(callback?: () => void): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    this.#failAll(portNotOpen());
    if (!socket || socket.destroyed) {
      callback?.();
      return;
    }
    socket.once('close', () => callback?.());
    socket.destroy();
  }

  /**
   * Sends `adu` (transaction id 0) under the next transaction id, which it
   * writes into the ADU, and returns; `request` gets its answer. On a closed
   * port the request fails at once and the id is 0.
   */
  send(adu: Buffer, request: MbapRequest): number {
    const socket = this.#socket;
    if (!socket || !this.#open) {
      request.fail(portNotOpen());
      return 0;
    }
    if (this.#rx.length > 0 && this.#tids.outstanding === 0) {
      this.#framing.discarded(`${this.#rx.length} stray bytes after the previous answer discarded`);
      this.#rx = Buffer.alloc(0);
    }
    const tid = this.#tids.issue(request);
    adu.writeUInt16BE(tid, 0);
    socket.write(adu);
    return tid;
  }

  /** The exchange of `tid` is over (answered, timed out or failed): an answer with that id is late from now on. */
  retire(tid: number): void {
    this.#tids.retire(tid);
  }

  /** The exchange of `tid` ran out of time: its request fails with `e` now, and an answer with that id is late. */
  abandon(tid: number, e: Error): void {
    this.#tids.take(tid)?.fail(e);
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
      const request = this.#tids.take(parsed.tid);
      if (!request) {
        // A late answer to a request that is no longer in flight: dropped, but its timing is news.
        this.#framing.late(parsed.tid);
        continue;
      }
      request.answer(parsed.unitId, parsed.pdu);
    }
  }

  #invalid(reason: string): void {
    this.#rx = Buffer.alloc(0);
    if (this.#tids.outstanding === 0) this.#framing.discarded(reason);
    else this.#failAll(framingError(reason));
  }

  /** The stream broke or closed: nothing in flight can be answered any more. */
  #failAll(e: Error): void {
    for (const r of this.#tids.retireAll()) r.fail(e);
  }
}
