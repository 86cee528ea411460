import { performance } from 'node:perf_hooks';
import type { Clock, ModbusLink } from '@lifeline/core';
import { LateAnswers, type LateObserver } from './late-answers.js';
import { LineSilence, type SilencePolicy } from './line-silence.js';
import { MbapExchange } from './mbap-exchange.js';
import { MbapPort, portNotOpen } from './mbap-port.js';
import { createModbusClient, discardReceived, type ModbusClient, type ModbusRtuClient, rawBytesOf } from './modbus-serial.js';
import { frameDeviceIdentification } from './telnet-fc43.js';

/**
 * One physical Modbus connection (a TCP host:port or a serial port) shared by
 * every unit id behind it. On RTU links (serial, RTU over TCP) one transaction
 * is on the line at a time, with the 3.5-character silence between frames; on
 * Modbus TCP up to the link's `maxInFlight` (pipelining, matched by MBAP
 * transaction id) — the scheduler decides how many it starts.
 */
const CONNECT_TIMEOUT_MS = 2000;

/** A second unclean exchange right after a framing error: the stream cannot be trusted, reopen the link. */
function outOfStepError(first: string, then: string): Error {
  return Object.assign(new Error(`link out of step: ${first}; then ${then}`), { outOfStep: true });
}

interface InFlight {
  readonly reject: (e: Error) => void;
}

/** What modbus-serial's own timeout rejects with (TransactionTimedOutError): classified the same way. */
function timedOutError(): Error {
  // Without a stack: it would only show the timer's callback, and capturing one per expiry showed in --cpu-prof (issue 19).
  const { stackTraceLimit } = Error;
  Error.stackTraceLimit = 0;
  const e = new Error('Timed out');
  Error.stackTraceLimit = stackTraceLimit;
  return Object.assign(e, { name: 'TransactionTimedOutError', errno: 'ETIMEDOUT' });
}

/** Runs after the poll phase of the loop turn in which the exchange's timer fired (see NO_LIBRARY_TIMEOUT). */
function expireExchange(exchange: MbapExchange): void {
  exchange.expire(timedOutError());
}

/**
 * The connection times every exchange itself (on RTU links modbus-serial
 * none: a timeout of 0 arms no timer there), so that an expiry is decided only after
 * the I/O that already arrived has been read: a timer that fires at the end
 * of a stall of this process (a GC pause, a long SQLite write) runs in the
 * event loop's timers phase, before the poll phase reads an answer that came
 * in during the stall — counted late although the unit was on time (issue
 * 19: most of the bench's "timeouts" were answers that had come).
 * setImmediate runs after that poll phase.
 */
const NO_LIBRARY_TIMEOUT = 0;

/**
 * RTU links: modbus-serial's client as one exchange sees it: every call first
 * sets the exchange's unit id and timeout, which modbus-serial reads from the
 * client when the request is written — synchronously in the call.
 */
function boundClient(client: ModbusRtuClient, unitId: number, timeoutMs: number): ModbusClient {
  return new Proxy(client, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'setID' || key === 'setTimeout') return value;
      return (...args: unknown[]) => {
        target.setID(unitId);
        target.setTimeout(timeoutMs);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export class ModbusConnection {
  readonly key: string;
  readonly link: ModbusLink;
  readonly #clock: Clock;
  readonly #silencePolicy: SilencePolicy | undefined;
  /** RTU links: when the next request may go (frame gap, drain after a cut-short request). */
  #silence: LineSilence | undefined;
  /** RTU links: modbus-serial's client on one of its ports. */
  #client: ModbusRtuClient | undefined;
  /** Modbus TCP: our own request/response path (mbap-port.ts, mbap-exchange.ts). */
  #mbap: MbapPort | undefined;
  #lateBytes = 0;
  /** RTU links: the exchange in flight, failed when the link closes. */
  readonly #inFlight = new Set<InFlight>();
  /** Modbus TCP: ids of requests given up under a cut-short timeout, to time their late answers. */
  readonly #late: LateAnswers;
  /** Why the stream was last seen out of step, until an exchange is clean again. */
  #suspect: string | undefined;

  constructor(link: ModbusLink, clock: Clock) {
    this.link = link;
    this.key = connectionKey(link);
    this.#clock = clock;
    this.#silencePolicy = silencePolicy(link);
    this.#late = new LateAnswers(link.timeoutMs);
  }

  get isOpen(): boolean {
    return (this.#mbap ?? this.#client)?.isOpen === true;
  }

  /** RTU: bytes received outside any exchange (late answers) and dropped before a request, since the start. */
  get lateBytesDropped(): number {
    return this.#lateBytes;
  }

  /** How many transactions may be outstanding at once: the link's maxInFlight on Modbus TCP, else 1. */
  get maxInFlight(): number {
    return this.link.framing === 'tcp' ? this.link.maxInFlight : 1;
  }

  async open(): Promise<void> {
    await this.close();
    this.#suspect = undefined;
    // A failed connect leaves the socket half-made; close it before reporting.
    try {
      if (this.link.framing === 'tcp') await this.#openMbap(this.link.host, this.link.port);
      else await this.#openRtu(this.link);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /**
   * Runs one request/response exchange for `unitId`. On RTU the caller runs
   * one at a time; on Modbus TCP up to `maxInFlight` together. `onLate`: if
   * the exchange times out, a late answer to it (Modbus TCP, matched by its
   * transaction id) reports its round trip there.
   */
  transact<T>(unitId: number, timeoutMs: number, exchange: (client: ModbusClient) => Promise<T>, onLate?: LateObserver): Promise<T> {
    const mbap = this.#mbap;
    if (mbap) return this.#transactMbap(mbap, unitId, timeoutMs, exchange, onLate);
    return this.#transactRtu(unitId, timeoutMs, exchange);
  }

  /**
   * Modbus TCP: the exchange's requests go straight to the port, and its
   * timer, when it expires (decided after the I/O pending at expiry has been
   * read), fails what it has in flight; a framing failure or the link's close
   * fails it from the port.
   */
  async #transactMbap<T>(
    mbap: MbapPort,
    unitId: number,
    timeoutMs: number,
    exchange: (client: ModbusClient) => Promise<T>,
    onLate: LateObserver | undefined,
  ): Promise<T> {
    if (!mbap.isOpen) throw portNotOpen();
    const client = new MbapExchange(mbap, unitId, this.#late);
    const sentAt = performance.now();
    const timer = this.#clock.setTimeout(() => setImmediate(expireExchange, client), timeoutMs);
    try {
      const result = await exchange(client);
      this.#suspect = undefined;
      return result;
    } catch (e) {
      if (onLate && (e as Error).name === 'TransactionTimedOutError')
        for (const tid of client.tids) this.#late.watch(tid, sentAt, onLate, performance.now());
      throw this.#judge(e);
    } finally {
      this.#clock.clearTimeout(timer);
      // Over, whatever the outcome: a late answer with one of its ids is dropped by the port from now on.
      client.end();
    }
  }

  async #transactRtu<T>(unitId: number, timeoutMs: number, exchange: (client: ModbusClient) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (!client?.isOpen) throw portNotOpen();
    await this.#quietLine(client);
    const entry = this.#guarded(exchange(boundClient(client, unitId, NO_LIBRARY_TIMEOUT)), timeoutMs);
    try {
      const result = await entry.settled;
      this.#suspect = undefined;
      this.#silence?.activity(this.#clock.now());
      return result;
    } catch (e) {
      // Whatever still comes for this request is a late answer; drain it before the next.
      this.#silence?.cutShort(this.#clock.now());
      throw this.#judge(e);
    } finally {
      this.#inFlight.delete(entry.inFlight);
    }
  }

  /**
   * RTU: the exchange; or its timeout, decided after the I/O pending at
   * expiry has been read (NO_LIBRARY_TIMEOUT); or the link's close while it
   * is in flight. modbus-serial never settles an exchange given up here.
   */
  #guarded<T>(exchange: Promise<T>, timeoutMs: number): { settled: Promise<T>; inFlight: InFlight } {
    exchange.catch(() => undefined);
    let inFlight: InFlight | undefined;
    const settled = new Promise<T>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => setImmediate(() => reject(timedOutError())), timeoutMs);
      const settle = () => this.#clock.clearTimeout(timer);
      inFlight = {
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      exchange.then(
        (v) => {
          settle();
          resolve(v);
        },
        (e: unknown) => {
          settle();
          reject(e);
        },
      );
    });
    this.#inFlight.add(inFlight as InFlight);
    return { settled, inFlight: inFlight as InFlight };
  }

  #rejectAll(e: Error): void {
    for (const f of this.#inFlight) f.reject(e);
  }

  /**
   * A framing error discards the buffer and the next request goes out on the
   * same link; if that exchange is not clean either (no answer, or framing
   * again), the link is out of step and the caller reopens it.
   */
  #judge(e: unknown): unknown {
    const err = e as { framing?: boolean; message?: string; errno?: string };
    const unclean = err.framing === true || err.errno === 'ETIMEDOUT' || err.message === 'Timed out';
    if (!unclean) {
      // The device answered in frame (an exception or a wrong unit): the stream is in step.
      if (!('outOfStep' in (err as object))) this.#suspect = undefined;
      return e;
    }
    const reason = err.message ?? String(e);
    if (this.#suspect !== undefined) {
      const first = this.#suspect;
      this.#suspect = undefined;
      return outOfStepError(first, reason);
    }
    if (err.framing === true) this.#suspect = reason;
    return e;
  }

  /** Modbus TCP: validated framing, a connect timeout. */
  #openMbap(host: string, port: number): Promise<void> {
    const mbap = new MbapPort(host, port, Math.max(this.link.timeoutMs, CONNECT_TIMEOUT_MS), {
      discarded: (reason) => {
        this.#suspect ??= reason;
      },
      late: (tid) => this.#late.arrived(tid, performance.now()),
    });
    this.#mbap = mbap;
    return new Promise<void>((resolve, reject) => mbap.open((err) => (err ? reject(err) : resolve())));
  }

  async #openRtu(link: ModbusLink): Promise<void> {
    const client = createModbusClient();
    this.#client = client;
    await openRtuLink(client, link);
    this.#watchLine(client);
  }

  /** RTU: every byte received is line activity, so a drain waits until the line is quiet. */
  #watchLine(client: ModbusRtuClient): void {
    if (!this.#silencePolicy) return;
    const silence = new LineSilence(this.#silencePolicy);
    this.#silence = silence;
    rawBytesOf(client)?.on('data', () => silence.activity(this.#clock.now()));
  }

  async close(): Promise<void> {
    const client = this.#client;
    const mbap = this.#mbap;
    this.#client = undefined;
    this.#mbap = undefined;
    this.#rejectAll(portNotOpen());
    // The port fails what is in flight on it, and never waits for the peer.
    mbap?.destroy();
    if (!client) return;
    // close() waits for the peer; a link that never opened (or half-opened) is destroyed instead.
    if (client.isOpen) await new Promise<void>((resolve) => client.close(() => resolve()));
    else client.destroy(() => undefined);
  }

  /**
   * RTU: waits for the 3.5-character silence, and after a cut-short request
   * until the line has been quiet for the drain gap (bounded); then drops
   * whatever was received since, which can only be a late answer: RTU is one
   * transaction at a time, and modbus-serial's RTU ports would otherwise take
   * a buffered answer of the same unit and function as the next answer.
   */
  async #quietLine(client: ModbusRtuClient): Promise<void> {
    const silence = this.#silence;
    if (!silence) return;
    for (let wait = silence.waitMs(this.#clock.now()); wait > 0; wait = silence.waitMs(this.#clock.now())) {
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, Math.ceil(wait)));
    }
    this.#lateBytes += discardReceived(client);
    silence.sent();
  }
}

/** Devices whose links share this key share one connection and one scheduler. */
export function connectionKey(link: ModbusLink): string {
  if (link.framing === 'rtu') return `rtu://${link.serialPort}`;
  return `${link.framing === 'tcp' ? 'tcp' : 'rtu-over-tcp'}://${link.host}:${link.port}`;
}

/** Wire time of `bytes` characters of 11 bits at `baudRate` (Modbus over Serial Line V1.02 §2.5.1). */
export function frameTimeMs(bytes: number, baudRate: number): number {
  return (bytes * 11 * 1000) / baudRate;
}

/** The longest RTU frame: address, 253-byte PDU, CRC (Modbus over Serial Line V1.02 §2.5.1.1). */
const MAX_RTU_FRAME_BYTES = 256;
/**
 * RTU over TCP: the serial side's baud rate is the device server's, unknown
 * here, and TCP delivers its bytes in bursts; a late answer is over when
 * nothing came for a 9,600-baud line's t3.5 (4 ms) plus LAN jitter.
 */
const RTU_OVER_TCP_DRAIN_GAP_MS = 10;
const SLOWEST_COMMON_BAUD = 9600;

/** How an RTU link keeps frames apart and drains a late answer (line-silence.ts); none on Modbus TCP. */
export function silencePolicy(link: ModbusLink): SilencePolicy | undefined {
  if (link.framing === 'tcp') return undefined;
  if (link.framing === 'rtu') {
    const t35 = interFrameGapMs(link.baudRate);
    return { gapMs: t35, drainGapMs: t35, maxDrainMs: frameTimeMs(MAX_RTU_FRAME_BYTES, link.baudRate) + t35 };
  }
  const maxDrainMs = frameTimeMs(MAX_RTU_FRAME_BYTES, SLOWEST_COMMON_BAUD) + RTU_OVER_TCP_DRAIN_GAP_MS;
  return { gapMs: 0, drainGapMs: RTU_OVER_TCP_DRAIN_GAP_MS, maxDrainMs };
}

/**
 * Modbus over Serial Line V1.02 §2.5.1.1: frames are separated by at least 3.5
 * character times (11 bits each: start, 8 data, parity or a second stop, stop);
 * above 19200 baud the spec fixes the interval at 1.75 ms.
 */
export function interFrameGapMs(baudRate: number): number {
  if (baudRate > 19_200) return 1.75;
  return (3.5 * 11 * 1000) / baudRate;
}

/** RTU links: a serial port, or RTU over TCP (framing other than tcp). */
function openRtuLink(client: ModbusRtuClient, link: ModbusLink): Promise<void> {
  if (link.framing !== 'rtu') {
    // modbus-serial's "TcpRTUBuffered" port is MBAP; its Telnet port carries raw RTU frames with CRC over TCP.
    return client.connectTelnet(link.host, { port: link.port }).then(() => {
      frameDeviceIdentification((client as unknown as { _port: unknown })._port);
    });
  }
  return client.connectRTUBuffered(link.serialPort, {
    baudRate: link.baudRate,
    parity: link.parity,
    dataBits: link.dataBits,
    stopBits: link.stopBits,
  });
}
