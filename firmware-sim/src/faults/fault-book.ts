import { EventEmitter } from 'node:events';
import { simError } from '../errors.js';

/** The faults a test bench can inject (docs/simulator.md). */
export const FAULT_KINDS = [
  'no-response',
  'delay',
  'exception',
  'disconnect',
  'corrupt-frame',
  'stuck',
  'opcua-restart',
  'opcua-bad-status',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that change how a Modbus server answers a device's requests. */
export const MODBUS_FAULTS: ReadonlySet<FaultKind> = new Set(['no-response', 'delay', 'exception', 'disconnect', 'corrupt-frame']);

export interface FaultSpec {
  readonly kind: FaultKind;
  readonly device: string;
  /** stuck, opcua-bad-status: the point concerned. */
  readonly point?: string;
  /** delay: how long each answer is held back. */
  readonly delayMs?: number;
  /** exception: the Modbus exception code answered (Modbus Application Protocol V1.1b3 §7). */
  readonly exceptionCode?: number;
  /** opcua-bad-status: the StatusCode name served, default BadSensorFailure. */
  readonly statusCode?: string;
  /** opcua-restart: how long the server stays down, default 1000 ms. */
  readonly downMs?: number;
}

export interface ActiveFault extends FaultSpec {
  readonly id: string;
  readonly since: string;
}

/**
 * The active faults of a running simulator. Servers ask it, per request, how
 * to misbehave; it emits `added` and `removed` for the servers that act on a
 * change (an OPC UA restart, a Bad status).
 */
export class FaultBook extends EventEmitter<{ added: [ActiveFault]; removed: [ActiveFault] }> {
  readonly #faults = new Map<string, ActiveFault>();
  #next = 1;

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: `f${this.#next++}`, since: new Date().toISOString() };
    this.#faults.set(fault.id, fault);
    this.emit('added', fault);
    return fault;
  }

  remove(id: string): ActiveFault {
    const fault = this.#faults.get(id);
    if (!fault) throw simError('LL_ERR_SIM_UNKNOWN_FAULT', id);
    this.#faults.delete(id);
    this.emit('removed', fault);
    return fault;
  }

  list(): ActiveFault[] {
    return [...this.#faults.values()];
  }

  clear(): void {
    for (const id of [...this.#faults.keys()]) this.remove(id);
  }

  /** The newest fault that changes this device's Modbus answers, if any. */
  modbusFault(device: string): ActiveFault | undefined {
    return this.list()
      .reverse()
      .find((f) => f.device === device && MODBUS_FAULTS.has(f.kind));
  }

  isStuck(device: string, point: string): boolean {
    return this.list().some((f) => f.kind === 'stuck' && f.device === device && f.point === point);
  }

  /** The Bad StatusCode name a point is served with, if a fault says so. */
  badStatus(device: string, point: string): string | undefined {
    const fault = this.list().find((f) => f.kind === 'opcua-bad-status' && f.device === device && f.point === point);
    return fault ? (fault.statusCode ?? 'BadSensorFailure') : undefined;
  }
}
