import type { ModbusDeviceConfig } from '@lifeline/core';
import type { LifelineError } from '../../errors.js';
import { type CommState, commStateOf } from '../comm-state.js';
import { type DeviceHealth, HealthRecorder } from '../device-health.js';
import { type BreakerState, breakerAdmit, breakerStep, CLOSED } from './circuit-breaker.js';

const BUS_USE_HALF_LIFE_MS = 10_000;

/**
 * What the bus scheduler knows about one unit: its breaker, its retry hold,
 * its counters and its comm state. Methods return whether the comm state
 * changed, so the scheduler can emit exactly one event per change.
 */
export class ModbusDeviceState {
  readonly config: ModbusDeviceConfig;
  readonly connection: string;
  readonly health = new HealthRecorder();
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

  constructor(config: ModbusDeviceConfig, connection: string) {
    this.config = config;
    this.connection = connection;
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

  /** The earliest time this device may send again (for the scheduler's wake-up). */
  readyAt(): number {
    return Math.max(this.holdUntil, this.breaker.kind === 'open' ? this.breaker.until : 0);
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
