import type {
  ReadCoilResult,
  ReadDeviceIdentificationResult,
  ReadRegisterResult,
  WriteCoilResult,
  WriteMultipleResult,
  WriteRegisterResult,
} from 'modbus-serial/ModbusRTU.js';
import type { LateAnswers } from './late-answers.js';
import type { MbapPort, MbapRequest } from './mbap-port.js';
import {
  type AnswerShape,
  answerError,
  bitsOf,
  coilValue,
  coilWrittenOf,
  deviceIdOf,
  deviceIdRequest,
  deviceIdShape,
  FC,
  multipleWrittenOf,
  readRequest,
  readShape,
  registersOf,
  registerWrittenOf,
  writeCoilsRequest,
  writeRegistersRequest,
  writeShape,
  writeSingleRequest,
} from './modbus-pdu.js';
import type { ModbusClient } from './modbus-serial.js';

/** What an exchange needs of its port (MbapPort). */
export type RequestPort = Pick<MbapPort, 'send' | 'retire' | 'abandon'>;

/** Reads an answer's PDU, already checked against its shape: the result, or why it cannot be used. */
type Parse<T> = (pdu: Buffer) => T | Error;

/** One request in flight: settles its promise from the answer the port hands it. */
class Pending<T> implements MbapRequest {
  readonly #shape: AnswerShape;
  readonly #parse: Parse<T>;
  readonly #resolve: (v: T) => void;
  readonly #reject: (e: Error) => void;

  constructor(shape: AnswerShape, parse: Parse<T>, resolve: (v: T) => void, reject: (e: Error) => void) {
    this.#shape = shape;
    this.#parse = parse;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  answer(unitId: number, pdu: Buffer): void {
    const wrong = answerError(this.#shape, unitId, pdu);
    const result = wrong ?? this.#parse(pdu);
    if (result instanceof Error) this.#reject(result);
    else this.#resolve(result);
  }

  fail(e: Error): void {
    this.#reject(e);
  }
}

/**
 * The client one exchange sees on a Modbus TCP link: the calls of
 * modbus-serial's promise API that the gateway makes (functions 1–6, 15, 16,
 * 43), each one request ADU written straight to the port and its answer's
 * PDU read straight back (modbus-pdu.ts) — no RTU frame and CRC built and
 * stripped again, no callback-to-promise wrapper, no per-call proxy. It is
 * bound to the exchange's unit id and records the transaction ids it sent,
 * for the connection to retire (and time late answers to) when the exchange
 * is over; once the exchange has expired, what is in flight fails and
 * further requests fail at once.
 */
export class MbapExchange implements ModbusClient {
  readonly #port: RequestPort;
  readonly #unitId: number;
  readonly #late: LateAnswers;
  #failure: Error | undefined;
  /** The MBAP ids of this exchange's requests (a read-modify-write sends two). */
  readonly tids: number[] = [];

  constructor(port: RequestPort, unitId: number, late: LateAnswers) {
    this.#port = port;
    this.#unitId = unitId;
    this.#late = late;
  }

  readCoils(address: number, length: number): Promise<ReadCoilResult> {
    return this.#read(FC.readCoils, address, length, bitsOf);
  }

  readDiscreteInputs(address: number, length: number): Promise<ReadCoilResult> {
    return this.#read(FC.readDiscreteInputs, address, length, bitsOf);
  }

  readHoldingRegisters(address: number, length: number): Promise<ReadRegisterResult> {
    return this.#read(FC.readHoldingRegisters, address, length, registersOf);
  }

  readInputRegisters(address: number, length: number): Promise<ReadRegisterResult> {
    return this.#read(FC.readInputRegisters, address, length, registersOf);
  }

  writeCoil(address: number, state: boolean): Promise<WriteCoilResult> {
    const adu = writeSingleRequest(this.#unitId, FC.writeSingleCoil, address, coilValue(state));
    return this.#send(adu, writeShape(this.#unitId, FC.writeSingleCoil), coilWrittenOf);
  }

  writeRegister(address: number, value: number): Promise<WriteRegisterResult> {
    const adu = writeSingleRequest(this.#unitId, FC.writeSingleRegister, address, value);
    return this.#send(adu, writeShape(this.#unitId, FC.writeSingleRegister), registerWrittenOf);
  }

  writeCoils(address: number, states: boolean[]): Promise<WriteMultipleResult> {
    const adu = writeCoilsRequest(this.#unitId, address, states);
    return this.#send(adu, writeShape(this.#unitId, FC.writeMultipleCoils), multipleWrittenOf);
  }

  writeRegisters(address: number, values: number[] | Buffer): Promise<WriteMultipleResult> {
    const adu = writeRegistersRequest(this.#unitId, address, values);
    return this.#send(adu, writeShape(this.#unitId, FC.writeMultipleRegisters), multipleWrittenOf);
  }

  /**
   * §6.21 from `objectId` on; while the unit says more follows (and sent
   * objects), the next request asks from its next object id, as
   * modbus-serial does. The objects come keyed by id (modbus-serial's
   * runtime shape, which its typings call an array).
   */
  async readDeviceIdentification(deviceIdCode: number, objectId: number): Promise<ReadDeviceIdentificationResult> {
    const objects: Record<number, string> = {};
    let from = objectId;
    for (;;) {
      const part = await this.#send(deviceIdRequest(this.#unitId, deviceIdCode, from), deviceIdShape(this.#unitId), deviceIdOf);
      Object.assign(objects, part.objects);
      // A stream that does not move on would be read forever.
      if (!part.moreFollows || part.nextObjectId <= from) {
        return { data: objects as unknown as string[], conformityLevel: part.conformityLevel };
      }
      from = part.nextObjectId;
    }
  }

  /** The exchange ran out of time (or failed): what is in flight fails with `e`, and so does every later request. */
  expire(e: Error): void {
    this.#failure ??= e;
    for (const tid of this.tids) this.#port.abandon(tid, e);
  }

  /** The exchange is over: an answer with one of its ids is late from now on. */
  end(): void {
    for (const tid of this.tids) this.#port.retire(tid);
  }

  #read<T>(fc: number, address: number, quantity: number, parse: Parse<T>): Promise<T> {
    return this.#send(readRequest(this.#unitId, fc, address, quantity), readShape(this.#unitId, fc, quantity), parse);
  }

  #send<T>(adu: Buffer, shape: AnswerShape, parse: Parse<T>): Promise<T> {
    const failure = this.#failure;
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      const tid = this.#port.send(adu, new Pending(shape, parse, resolve, reject));
      if (tid === 0) return;
      this.tids.push(tid);
      // An answer with this id is this request's, not a late one to an earlier request with the same id.
      this.#late.issued(tid);
    });
  }
}
