import { type Coupling, type PointConfig, PointMap } from '@lifeline/core';
import type { Logger } from 'pino';
import type { FaultBook } from '../faults/fault-book.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { type Behaviour, behaviourValue, hasBehaviour, hourOfDay } from './point-behaviour.js';

/** Who drives a point now: its profile behaviour, a person (PUT), or a running scenario. */
export type PointMode = 'behaviour' | 'manual' | 'scenario';

const TICK_MS = 100;
const DEFAULT_PERIOD_MS = 1000;

export interface EngineOptions {
  /** Simulated seconds per real second for behaviours (drift, daily cycle); default 1. */
  readonly timeScale?: number;
  /** Source of randomness for noise (tests pass a seeded one). */
  readonly random?: () => number;
}

/** Something the engine advances on every tick (a running scenario). */
export interface Ticking {
  tick(nowMs: number): void;
}

/**
 * Moves every device's points: profile behaviours (noise, drift, daily
 * cycle), scenario overrides, manual values and physical couplings, and
 * writes the live log. Every change goes through `apply`, which honours stuck
 * faults. Owns one interval timer, cleared in stop().
 */
export class SimEngine {
  readonly devices: ReadonlyMap<string, SimulatedDevice>;
  readonly #faults: FaultBook;
  readonly #log: Logger;
  readonly #timeScale: number;
  readonly #random: () => number;
  // By device, then point: the tick visits every point ten times a second, and a joined key per visit was most of a large fleet's CPU.
  readonly #modes = new PointMap<PointMode>();
  readonly #overrides = new PointMap<Behaviour>();
  readonly #due = new PointMap<number>();
  readonly #tickers = new Set<Ticking>();
  readonly #unsubscribe: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #startMs = 0;

  constructor(devices: ReadonlyMap<string, SimulatedDevice>, faults: FaultBook, log: Logger, options: EngineOptions = {}) {
    this.devices = devices;
    this.#faults = faults;
    this.#log = log.child({ component: 'sim-engine' });
    this.#timeScale = options.timeScale ?? 1;
    this.#random = options.random ?? Math.random;
  }

  start(): void {
    this.#startMs = Date.now();
    for (const device of this.devices.values()) {
      this.#unsubscribe.push(device.onChange((point, before, after, cause) => this.#onChange(device, point, before, after, cause)));
      this.#enforceCouplings(device);
    }
    this.#timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#tickers.clear();
  }

  /** Simulated epoch time: real start plus scaled elapsed time. */
  simNow(nowMs = Date.now()): number {
    return this.#startMs + (nowMs - this.#startMs) * this.#timeScale;
  }

  modeOf(device: string, point: string): PointMode {
    return this.#modes.get(device, point) ?? 'behaviour';
  }

  setMode(device: string, point: string, mode: PointMode): void {
    this.#modes.set(device, point, mode);
    this.#due.delete(device, point);
  }

  /**
   * Hands a point back to its profile behaviour (DELETE or PUT {"mode":
   * "behaviour"}): the value moves to what the behaviour gives now — its
   * initial value for a point without noise, drift or daily cycle — so a
   * hand-set alarm value does not linger until the next change. A point a
   * coupling holds stays held. Returns whether the value was applied.
   */
  release(device: SimulatedDevice, point: string, nowMs = Date.now()): boolean {
    const config = device.point(point);
    this.setMode(device.id, point, 'behaviour');
    if (config.initial === undefined || this.#heldByCoupling(device, point)) return false;
    return this.apply(device, point, this.#behaviourNow(device, config, nowMs), 'behaviour');
  }

  /** A scenario's behaviour override for a point, or undefined to go back to the profile's. */
  overrideBehaviour(device: string, point: string, behaviour: Behaviour | undefined): void {
    if (behaviour) this.#overrides.set(device, point, behaviour);
    else this.#overrides.delete(device, point);
  }

  addTicker(t: Ticking): void {
    this.#tickers.add(t);
  }

  removeTicker(t: Ticking): void {
    this.#tickers.delete(t);
  }

  /**
   * Sets a point as its cause says, unless a stuck fault freezes it; returns
   * whether the value was applied.
   */
  apply(device: SimulatedDevice, point: string, value: number | boolean, cause: string): boolean {
    if (this.#faults.isStuck(device.id, point)) return false;
    device.setValue(point, value, cause);
    this.#enforceCouplings(device);
    return true;
  }

  /** One step: behaviours that are due, then scenarios, then couplings. Public for tests with fake timers. */
  tick(nowMs = Date.now()): void {
    for (const device of this.devices.values()) {
      for (const point of device.points) this.#behave(device, point, nowMs);
    }
    for (const t of [...this.#tickers]) t.tick(nowMs);
  }

  #behave(device: SimulatedDevice, point: PointConfig, nowMs: number): void {
    if (typeof point.initial !== 'number') return;
    // Not due is the common case (a period of 1 s, a tick of 100 ms), then a point with no behaviour (never due):
    // both are checked before #free, which looks at every point of the device (100k points' ticks were a core).
    if ((this.#due.get(device.id, point.id) ?? 0) > nowMs) return;
    const sim = device.config.profile.points[point.id]?.simulation;
    const behaviour = this.#overrides.get(device.id, point.id) ?? sim;
    if (!hasBehaviour(behaviour) || !this.#free(device, point)) return;
    this.#due.set(device.id, point.id, nowMs + (sim?.periodMs ?? DEFAULT_PERIOD_MS));
    if (this.#heldByCoupling(device, point.id)) return;
    this.apply(device, point.id, this.#behaviourNow(device, point, nowMs), 'behaviour');
  }

  /** What the point's behaviour (a scenario's override, else the profile's) gives at `nowMs`; a constant point its initial value. */
  #behaviourNow(device: SimulatedDevice, point: PointConfig, nowMs: number): number | boolean {
    const initial = point.initial as number | boolean;
    const behaviour = this.#overrides.get(device.id, point.id) ?? device.config.profile.points[point.id]?.simulation;
    if (typeof initial !== 'number' || !hasBehaviour(behaviour)) return initial;
    const simNow = this.simNow(nowMs);
    return behaviourValue(initial, behaviour, simNow - this.#startMs, hourOfDay(simNow), this.#random(), point.range);
  }

  /** A point moves on its own only while neither it nor another view of its register is driven. */
  #free(device: SimulatedDevice, point: PointConfig): boolean {
    const shares = (other: PointConfig) =>
      other === point ||
      (point.register !== undefined && other.register?.table === point.register.table && other.register.address === point.register.address);
    return device.points.every((other) => !shares(other) || this.modeOf(device.id, other.id) === 'behaviour');
  }

  #couplings(device: SimulatedDevice): readonly Coupling[] {
    return device.config.profile.couplings ?? [];
  }

  #heldByCoupling(device: SimulatedDevice, point: string): boolean {
    return this.#couplings(device).some((c) => c.hold.point === point && device.getValue(c.while.point) === c.while.equals);
  }

  #enforceCouplings(device: SimulatedDevice): void {
    for (const c of this.#couplings(device)) {
      if (device.getValue(c.while.point) !== c.while.equals || device.getValue(c.hold.point) === c.hold.value) continue;
      if (this.#faults.isStuck(device.id, c.hold.point)) continue;
      device.setValue(c.hold.point, c.hold.value, `coupling: ${c.why ?? `${c.while.point} = ${c.while.equals}`}`);
    }
  }

  #onChange(device: SimulatedDevice, point: PointConfig, before: number | boolean, after: number | boolean, cause: string): void {
    // A client's Modbus or OPC UA write bypasses apply(): couplings still hold.
    if (cause.endsWith('write')) this.#enforceCouplings(device);
    const level = cause === 'behaviour' || cause.startsWith('ramp') ? 'debug' : 'info';
    // Nothing is built for a level that is off: behaviours change every point of a large simulation every second.
    if (!this.#log.isLevelEnabled(level)) return;
    const line = `${device.id} ${point.id} ${format(before)} → ${format(after)}${point.unit ? ` ${point.unit}` : ''} (${cause})`;
    this.#log[level]({ device: device.id, point: point.id, before, after, cause }, line);
  }
}

function format(v: number | boolean): string {
  return typeof v === 'boolean' ? String(v) : Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 3 : 1);
}
