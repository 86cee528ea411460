import type { ModbusDeviceConfig } from '@lifeline/core';
import type { LifelineError } from '../../errors.js';
import { type CommState, commStateOf } from '../comm-state.js';
import { type DeviceHealth, HealthRecorder } from '../device-health.js';
import { type BreakerState, breakerAdmit, breakerStep, CLOSED } from './circuit-breaker.js';
import type { ReadBlock } from './register-plan.js';
import { floorMs, ResponseTimer } from './response-timer.js';

const BUS_USE_HALF_LIFE_MS = 10_000;
/** Fast recovery: a unit behind an open breaker is probed at least this often (probes only use gaps, so they are cheap). */
export const MAX_PROBE_INTERVAL_MS = 1000;

/**
 * What the bus scheduler knows about one unit: its breaker, its retry hold,
 * its counters and its comm state. Methods return whether the comm state
 * changed, so the scheduler can emit exactly one event per change.
 */
export class ModbusDeviceState {
  readonly config: ModbusDeviceConfig;
  readonly connection: string;
  readonly health = new HealthRecorder();
  /** Its learned response times, for adaptive timeouts. */
  readonly timer = new ResponseTimer();
  breaker: BreakerState = CLOSED;
  /** No request before this time: a retry's backoff, so other units use the bus meanwhile. */
  holdUntil = 0;
  linkUp = false;
  #busUseMs = 0;
  #busUseAt = 0;
  #everAnswered = false;
  #lastCycleFailed = false;
  #lastCycleImpaired = false;
  #comm: CommState = 'connecting';
  #reason: string | undefined;

  /** From the config, read once: the request's ceiling, and whether timeouts adapt. */
  readonly #ceilingMs: number;
  readonly #adaptive: boolean;
  /** floorFor by block shape (2 · length + 1 for bits). */
  readonly #floors = new Map<number, number>();

  constructor(config: ModbusDeviceConfig, connection: string) {
    this.config = config;
    this.connection = connection;
    this.#ceilingMs = config.modbus.timeoutMs;
    this.#adaptive = config.acquisition.timeouts.adaptive;
  }

  get comm(): CommState {
    return this.#comm;
  }

  get reason(): string | undefined {
    return this.#reason;
  }

  get unitId(): number {
    return this.config.modbus.unitId;
  }

  /**
   * How much bus time the unit used lately: the sum of its request times,
   * decaying with a half-life of BUS_USE_HALF_LIFE_MS. The scheduler serves
   * the due unit that used the least, so a slow or dead unit cannot crowd out
   * the others (fair queueing by bus time).
   */
  busUse(now: number): number {
    return this.#busUseMs * 2 ** (-(now - this.#busUseAt) / BUS_USE_HALF_LIFE_MS);
  }

  chargeBus(now: number, ms: number): void {
    this.#busUseMs = this.busUse(now) + ms;
    this.#busUseAt = now;
  }

  /** Whether the breaker lets a request through now (an expired open breaker becomes half-open). */
  admit(now: number): boolean {
    const { admit, state } = breakerAdmit(this.breaker, now);
    this.breaker = state;
    return admit && now >= this.holdUntil;
  }

  /**
   * The timeout of a read of this block: learned (RFC 6298) within [floor, timeoutMs], or timeoutMs when not adaptive.
   * `floor`: the block's floorFor, if the caller has it already.
   */
  timeoutFor(block: Pick<ReadBlock, 'table' | 'length'>, floor = this.floorFor(block)): number {
    const full = this.#ceilingMs;
    if (!this.#adaptive) return full;
    return this.timer.timeoutFor(block.length, floor, full);
  }

  /**
   * The least timeout worth sending this block with (never above timeoutMs).
   * Fixed per block shape, so computed once: the scheduler asks for every
   * ready unit at every request (all 91 of a link while polls run behind),
   * and reading it from the unit's config each time, twice per candidate,
   * was half of the planning's own time under --cpu-prof (issue 19).
   */
  floorFor(block: Pick<ReadBlock, 'table' | 'length'>): number {
    const bits = block.table === 'coil' || block.table === 'discrete';
    const key = 2 * block.length + Number(bits);
    let floor = this.#floors.get(key);
    if (floor === undefined) {
      floor = Math.min(this.#ceilingMs, floorMs(this.config.modbus, this.config.acquisition.timeouts, block.length, bits));
      this.#floors.set(key, floor);
    }
    return floor;
  }

  /** When an open breaker lets the next probe through: its open period, but at most MAX_PROBE_INTERVAL_MS after it opened. */
  probeAt(): number {
    if (this.breaker.kind !== 'open') return 0;
    const openedAt = this.breaker.until - this.breaker.openMs;
    return openedAt + Math.min(this.breaker.openMs, MAX_PROBE_INTERVAL_MS);
  }

  /** A probe goes out: the breaker is half-open until its answer (or its timeout). */
  beginProbe(): void {
    if (this.breaker.kind === 'open') this.breaker = { kind: 'half-open', openMs: this.breaker.openMs };
  }

  /** A poll cycle that got answers; `impaired` when it needed retries or got exceptions. */
  cycleSucceeded(now: number, impaired: boolean): boolean {
    this.breaker = breakerStep(this.breaker, { kind: 'success' }, this.config.acquisition.circuitBreaker);
    this.health.lastSuccessTs = now;
    this.#everAnswered = true;
    this.#lastCycleFailed = false;
    this.#lastCycleImpaired = impaired;
    return this.#update(impaired ? this.#reason : undefined);
  }

  /** A poll cycle that got no usable answer after its retries. */
  cycleFailed(now: number, error: LifelineError): boolean {
    this.breaker = breakerStep(this.breaker, { kind: 'failure', now }, this.config.acquisition.circuitBreaker);
    this.#lastCycleFailed = true;
    return this.#update(error.message);
  }

  noteImpairment(error: LifelineError): void {
    this.#reason = error.message;
  }

  setLink(up: boolean, reason?: string): boolean {
    this.linkUp = up;
    return this.#update(reason ?? this.#reason);
  }

  snapshot(): DeviceHealth {
    return {
      device: this.config.id,
      transport: 'modbus',
      connection: this.connection,
      comm: this.#comm,
      ...(this.#reason !== undefined && this.#comm !== 'online' ? { reason: this.#reason } : {}),
      breaker: this.breaker.kind,
      ...(this.health.lastSuccessTs !== undefined ? { lastSuccessTs: this.health.lastSuccessTs } : {}),
      counters: { ...this.health.counters },
      latency: this.health.latency(),
    };
  }

  #update(reason: string | undefined): boolean {
    this.#reason = reason;
    const next = commStateOf({
      everAnswered: this.#everAnswered,
      linkUp: this.linkUp,
      breakerOpen: this.breaker.kind === 'open',
      lastCycleFailed: this.#lastCycleFailed,
      lastCycleImpaired: this.#lastCycleImpaired,
    });
    if (next === this.#comm) return false;
    this.#comm = next;
    return true;
  }
}
