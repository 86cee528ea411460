import {
  decodeRegisters,
  encodeRegisters,
  type ModbusDeviceConfig,
  modbusPoints,
  type ModbusPointConfig as PointConfig,
  type RegisterTable,
  registerCount,
} from '@lifeline/gateway/config';
import { simError } from './errors.js';

/** Modbus Application Protocol V1.1b3 §7 exception codes the simulator answers with. */
export const ILLEGAL_DATA_ADDRESS = 0x02;

export class ModbusException extends Error {
  readonly modbusErrorCode: number;
  constructor(code: number, message: string) {
    super(message);
    this.modbusErrorCode = code;
  }
}

/**
 * One simulated field device: its register image is the truth, and point
 * values are read and written through the profile's codec, so bit points that
 * share a status word stay consistent with it. Registers inside the span of
 * the profile's map read 0 when unmapped (as most devices do); outside it they
 * answer "illegal data address".
 */
export class SimulatedDevice {
  readonly config: ModbusDeviceConfig;
  readonly #tables = new Map<RegisterTable, Map<number, number>>();
  readonly #span = new Map<RegisterTable, { first: number; last: number }>();
  readonly #points = new Map<string, PointConfig>();
  readonly #writable = new Map<RegisterTable, Set<number>>();

  constructor(config: ModbusDeviceConfig) {
    this.config = config;
    const points = modbusPoints(config.points);
    for (const point of points) {
      this.#points.set(point.id, point);
      this.#extendSpan(point);
    }
    for (const point of points) if (point.initial !== undefined) this.setValue(point.id, point.initial);
  }

  get id(): string {
    return this.config.id;
  }

  point(id: string): PointConfig {
    const point = this.#points.get(id);
    if (!point) throw simError('LL_ERR_SIM_UNKNOWN_POINT', this.id, id);
    return point;
  }

  getValue(id: string): number | boolean {
    const point = this.point(id);
    return decodeRegisters(point.register, this.#words(point));
  }

  /** Sets a point's engineering value, as a sensor change would. */
  setValue(id: string, value: number | boolean): void {
    const point = this.point(id);
    const isBool = point.register.type === 'bool';
    if (isBool ? typeof value !== 'boolean' : typeof value !== 'number' || !Number.isFinite(value)) {
      throw simError('LL_ERR_SIM_BAD_VALUE', id, isBool ? 'true or false' : 'a finite number', JSON.stringify(value));
    }
    const table = this.#table(point.register.table);
    const { address, bit } = point.register;
    if (isBool && bit !== undefined) {
      const word = table.get(address) ?? 0;
      table.set(address, value ? word | (1 << bit) : word & ~(1 << bit));
      return;
    }
    for (const [i, word] of encodeRegisters(point.register, value).entries()) table.set(address + i, word);
  }

  /** A Modbus read of `length` registers or bits; throws ModbusException outside the map. */
  read(table: RegisterTable, address: number, length: number): number[] {
    const span = this.#span.get(table);
    if (!span || address < span.first || address + length - 1 > span.last) {
      throw new ModbusException(ILLEGAL_DATA_ADDRESS, `${table} ${address}+${length} is outside the device map`);
    }
    const values = this.#table(table);
    return Array.from({ length }, (_, i) => values.get(address + i) ?? 0);
  }

  /** A Modbus write from a client: only registers of writable points accept it. */
  write(table: RegisterTable, address: number, word: number): void {
    if (!this.#writable.get(table)?.has(address)) {
      throw new ModbusException(ILLEGAL_DATA_ADDRESS, `${table} ${address} is not writable`);
    }
    this.#table(table).set(address, word);
  }

  #words(point: PointConfig): number[] {
    return this.read(point.register.table, point.register.address, registerCount(point.register));
  }

  #extendSpan(point: PointConfig): void {
    const { table, address } = point.register;
    const last = address + registerCount(point.register) - 1;
    const span = this.#span.get(table);
    this.#span.set(table, { first: Math.min(span?.first ?? address, address), last: Math.max(span?.last ?? last, last) });
    if (point.writable) {
      const set = this.#writable.get(table) ?? new Set<number>();
      for (let a = address; a <= last; a++) set.add(a);
      this.#writable.set(table, set);
    }
  }

  #table(table: RegisterTable): Map<number, number> {
    let values = this.#tables.get(table);
    if (!values) {
      values = new Map();
      this.#tables.set(table, values);
    }
    return values;
  }
}
