import { type DeviceConfig, decodeRegisters, encodeRegisters, type PointConfig, type RegisterTable, registerCount } from '@lifeline/core';
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

/** The simulator's firmware revision, as Read Device Identification reports it (object 2, MajorMinorRevision). */
export const SIM_REVISION = '0.1';

/** Who changed a point: the live log says so. */
export type ChangeCause = string;
export type ChangeListener = (point: PointConfig, before: number | boolean, after: number | boolean, cause: ChangeCause) => void;

/**
 * One simulated field device: its register image is the truth, and point
 * values are read and written through the profile's codec, so bit points that
 * share a status word stay consistent with it. Registers inside the span of
 * the profile's map read 0 when unmapped (as most devices do); outside it they
 * answer "illegal data address". Points with only an OPC UA address keep
 * their value beside the image. The same device is served over Modbus or OPC
 * UA, whichever its site entry names.
 */
export class SimulatedDevice {
  readonly config: DeviceConfig;
  readonly #tables = new Map<RegisterTable, Map<number, number>>();
  readonly #span = new Map<RegisterTable, { first: number; last: number }>();
  readonly #points = new Map<string, PointConfig>();
  readonly #writable = new Map<RegisterTable, Set<number>>();
  #frozen: (point: string) => boolean = () => false;
  readonly #plain = new Map<string, number | boolean>();
  readonly #listeners = new Set<ChangeListener>();
  /** The points on each register, in profile order: table → address → points. */
  readonly #onRegister = new Map<RegisterTable, Map<number, PointConfig[]>>();
  /** Per point, every point a change of it can change (itself, and those sharing one of its registers); built when first asked. */
  readonly #sharing = new Map<string, readonly PointConfig[]>();
  /** Each point's place in the profile: listeners hear of the changes in that order. */
  readonly #order = new Map<PointConfig, number>();

  constructor(config: DeviceConfig) {
    this.config = config;
    for (const [i, point] of config.points.entries()) {
      this.#points.set(point.id, point);
      this.#order.set(point, i);
      if (point.register) {
        this.#extendSpan(point.register, point.writable);
        this.#indexRegisters(point, point.register);
      } else this.#plain.set(point.id, point.initial ?? 0);
    }
    for (const point of config.points) if (point.initial !== undefined) this.setValue(point.id, point.initial);
  }

  get id(): string {
    return this.config.id;
  }

  /** The Modbus unit id (0 for a device served only over OPC UA). */
  get unitId(): number {
    return this.config.transport === 'modbus' ? this.config.modbus.unitId : 0;
  }

  /**
   * What the device answers to Read Device Identification (function 43/14,
   * modbus/device-identification.ts): vendor, product code (the profile id),
   * revision, product name, model (the device kind) and the site's device id.
   */
  get identity(): ReadonlyMap<number, string> {
    const { profile } = this.config;
    return new Map([
      [0, 'Lifeline firmware-sim'],
      [1, profile.id],
      [2, SIM_REVISION],
      [4, profile.name],
      [5, profile.kind],
      [6, this.config.id],
    ]);
  }

  get points(): readonly PointConfig[] {
    return this.config.points;
  }

  /** Called after every change of a point value, whoever made it. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  point(id: string): PointConfig {
    const point = this.#points.get(id);
    if (!point) throw simError('LL_ERR_SIM_UNKNOWN_POINT', this.id, id);
    return point;
  }

  getValue(id: string): number | boolean {
    const point = this.point(id);
    if (!point.register) return this.#plain.get(id) ?? 0;
    return decodeRegisters(point.register, this.#words(point.register));
  }

  isBoolean(id: string): boolean {
    const point = this.point(id);
    return point.dataType === 'boolean';
  }

  /** Sets a point's engineering value, as a sensor change would. */
  setValue(id: string, value: number | boolean, cause: ChangeCause = 'set'): void {
    const point = this.point(id);
    const isBool = this.isBoolean(id);
    if (isBool ? typeof value !== 'boolean' : typeof value !== 'number' || !Number.isFinite(value)) {
      throw simError('LL_ERR_SIM_BAD_VALUE', id, isBool ? 'true or false' : 'a finite number', JSON.stringify(value));
    }
    const touched = this.#sharingWith(point);
    const before = this.#snapshot(touched);
    if (!point.register) this.#plain.set(id, value);
    else this.#encode(point.register, value);
    this.#changed(touched, before, cause);
  }

  #encode(register: NonNullable<PointConfig['register']>, value: number | boolean): void {
    const table = this.#table(register.table);
    const { address, bit } = register;
    if (register.type === 'bool' && bit !== undefined) {
      const word = table.get(address) ?? 0;
      table.set(address, value ? word | (1 << bit) : word & ~(1 << bit));
      return;
    }
    for (const [i, word] of encodeRegisters(register, value).entries()) table.set(address + i, word);
  }

  /**
   * The values of the points a change can touch, to find which it did (bits
   * share words, two views share a register): only those, so a change costs
   * the points on its registers, not every point of a 1,000-point device.
   */
  #snapshot(points: readonly PointConfig[]): (number | boolean)[] | undefined {
    if (this.#listeners.size === 0) return undefined;
    return points.map((p) => this.getValue(p.id));
  }

  #changed(points: readonly PointConfig[], before: (number | boolean)[] | undefined, cause: ChangeCause): void {
    if (!before) return;
    points.forEach((point, i) => {
      const was = before[i] as number | boolean;
      const now = this.getValue(point.id);
      if (now !== was) for (const l of this.#listeners) l(point, was, now, cause);
    });
  }

  #sharingWith(point: PointConfig): readonly PointConfig[] {
    let points = this.#sharing.get(point.id);
    if (!points) {
      points = point.register ? this.#pointsOn(point.register.table, point.register.address, registerCount(point.register)) : [point];
      this.#sharing.set(point.id, points);
    }
    return points;
  }

  /** The points on any of `length` registers from `address`, in profile order. */
  #pointsOn(table: RegisterTable, address: number, length: number): PointConfig[] {
    const on = this.#onRegister.get(table);
    const found = new Set<PointConfig>();
    for (let a = address; a < address + length; a++) for (const p of on?.get(a) ?? []) found.add(p);
    return [...found].sort((x, y) => (this.#order.get(x) ?? 0) - (this.#order.get(y) ?? 0));
  }

  #indexRegisters(point: PointConfig, register: NonNullable<PointConfig['register']>): void {
    let on = this.#onRegister.get(register.table);
    if (!on) {
      on = new Map();
      this.#onRegister.set(register.table, on);
    }
    for (let a = register.address; a < register.address + registerCount(register); a++) {
      const points = on.get(a);
      if (points) points.push(point);
      else on.set(a, [point]);
    }
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

  /** Which points a fault holds frozen: a Modbus write to them is answered but changes nothing (a stuck relay). */
  freezeWith(frozen: (point: string) => boolean): void {
    this.#frozen = frozen;
  }

  /** A Modbus write from a client: only registers of writable points accept it. */
  write(table: RegisterTable, address: number, word: number): void {
    if (!this.#writable.get(table)?.has(address)) {
      throw new ModbusException(ILLEGAL_DATA_ADDRESS, `${table} ${address} is not writable`);
    }
    const touched = this.#pointsOn(table, address, 1);
    if (touched.some((p) => this.#frozen(p.id))) return;
    const before = this.#snapshot(touched);
    this.#table(table).set(address, word);
    this.#changed(touched, before, 'modbus write');
  }

  #words(register: NonNullable<PointConfig['register']>): number[] {
    return this.read(register.table, register.address, registerCount(register));
  }

  #extendSpan(register: NonNullable<PointConfig['register']>, writable: boolean): void {
    const { table, address } = register;
    const last = address + registerCount(register) - 1;
    const span = this.#span.get(table);
    this.#span.set(table, { first: Math.min(span?.first ?? address, address), last: Math.max(span?.last ?? last, last) });
    if (writable) {
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
