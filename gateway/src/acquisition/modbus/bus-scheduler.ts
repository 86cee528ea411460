import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  backoffDelay,
  badReadings,
  type Clock,
  decodeRegisters,
  isModbusPoint,
  type ModbusDeviceConfig,
  type PointConfig,
} from '@lifeline/core';
import type { Logger } from 'pino';
import { gatewayError, type LifelineError } from '../../errors.js';
import { ModbusConnection } from '../../transports/modbus-connection.js';
import type { ModbusClient } from '../../transports/modbus-serial.js';
import type { DeviceDriver, DriverEvents } from '../device-driver.js';
import type { DeviceHealth } from '../device-health.js';
import { type PollJob, pollJobsOf, type WriteJob } from './bus-jobs.js';
import { type Plan, planReady } from './bus-plan.js';
import { BusPump } from './bus-pump.js';
import { accountedRequest, type RequestTiming } from './bus-request.js';
import { ModbusDeviceState } from './modbus-device-state.js';
import { classifyModbusError, isLinkFailure, isModbusException } from './modbus-errors.js';
import { decodePoint, readBack, readBlock, writePointWords } from './modbus-io.js';
import { PollQueue } from './poll-queue.js';
import type { ReadBlock } from './register-plan.js';

/** Fast recovery: a link that is down (also at start-up) is tried again at least this often. */
const MAX_RECONNECT_MS = 1000;

/**
 * The scheduler of one physical Modbus connection (docs/acquisition.md): every
 * unit's poll groups share one queue, one transaction at a time (up to the
 * link's maxInFlight on a pipelined Modbus TCP link, one per unit), one request
 * per turn, chosen by bus-plan.ts (earliest deadline first, fair by bus time
 * when saturated; retries and probes only when no healthy poll is due, probes
 * cut to the gap before the next deadline). Writes jump the queue. Timeouts
 * adapt to each unit's learned response time; one cut short is retried with
 * the full timeout before it counts. A dropped link is reopened with backoff,
 * at most MAX_RECONNECT_MS apart.
 */
export class BusScheduler extends EventEmitter<DriverEvents> implements DeviceDriver {
  readonly connection: ModbusConnection;
  readonly devices: ReadonlyMap<string, ModbusDeviceState>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #jobs: PollJob[];
  /** The jobs by when each may be sent; it also knows which units have a request outstanding. */
  readonly #queue: PollQueue;
  readonly #writes: WriteJob[] = [];
  readonly #pump: BusPump;
  /** Requests outstanding. */
  readonly #inFlight = new Set<Promise<void>>();
  /** The link is up since the last connect: the first request failure on it takes it down, the others settle quietly. */
  #connected = false;
  #running = false;
  #linkFailures = 0;
  #reconnectAt = 0;
  #everConnected = false;
  /** Reconnects follow the first device's backoff: the link is shared, its policy is too. */
  readonly #backoff: { readonly baseMs: number; readonly maxMs: number };

  constructor(devices: readonly ModbusDeviceConfig[], clock: Clock, log: Logger) {
    super();
    const first = devices[0];
    if (!first) throw new Error('a bus scheduler needs at least one device');
    this.connection = new ModbusConnection(first.modbus, clock);
    this.#backoff = first.acquisition.backoff;
    this.#clock = clock;
    this.#log = log.child({ connection: this.connection.key });
    this.devices = new Map(devices.map((d) => [d.id, new ModbusDeviceState(d, this.connection.key)]));
    this.#jobs = pollJobsOf(this.devices.values());
    this.#queue = new PollQueue(this.#jobs);
    this.#pump = new BusPump(
      clock,
      () => this.#work(),
      (e) => this.#log.error({ err: (e as Error).message }, 'modbus scheduler failed'),
    );
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Spread the first polls over each interval, so units sharing a link do not all fall due at once.
    const now = this.#clock.now();
    for (const [i, job] of this.#jobs.entries()) job.nextDue = now + Math.floor((i * job.group.intervalMs) / this.#jobs.length);
    this.#queue.requeueAll();
    this.#pump.start();
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const w of this.#writes.splice(0)) w.reject(gatewayError('LL_ERR_DEVICE_OFFLINE', w.state.config.id, 'the gateway is stopping'));
    await this.#pump.stop();
    await Promise.all([...this.#inFlight]);
    await this.connection.close();
  }

  get deviceIds(): readonly string[] {
    return [...this.devices.keys()];
  }

  health(): DeviceHealth[] {
    return [...this.devices.values()].map((s) => s.snapshot());
  }

  /** Queues a write ahead of every poll; resolves once the read-back matches. */
  write(device: string, point: PointConfig, value: number | boolean): Promise<void> {
    const state = this.devices.get(device);
    if (!state) return Promise.reject(gatewayError('LL_ERR_UNKNOWN_POINT', point.id, device));
    if (!isModbusPoint(point)) return Promise.reject(gatewayError('LL_ERR_WRITE_NOT_WRITABLE', device, point.id));
    const offline = this.#offlineReason(state);
    if (offline) return Promise.reject(gatewayError('LL_ERR_DEVICE_OFFLINE', device, offline));
    return new Promise<void>((resolve, reject) => {
      this.#writes.push({ state, point, value, resolve, reject });
      this.#pump.kick();
    });
  }

  #offlineReason(state: ModbusDeviceState): string | undefined {
    if (!this.#running) return 'acquisition is not running';
    if (state.comm === 'offline') return state.reason ?? 'no answer';
    if (state.breaker.kind === 'open' && this.#clock.now() < state.breaker.until) return `circuit open: ${state.reason ?? 'no answer'}`;
    if (!this.connection.isOpen && this.#linkFailures > 0) return `link down: ${state.reason ?? this.connection.key}`;
    return undefined;
  }

  /**
   * Starts requests until nothing may be sent now — one outstanding at a time,
   * or up to the link's maxInFlight on a pipelined Modbus TCP link, at most
   * one per unit — and returns how long until something may. A request that
   * ends kicks the pump again.
   */
  async #work(): Promise<number> {
    while (this.#running) {
      if (this.#inFlight.size >= this.connection.maxInFlight) return Number.POSITIVE_INFINITY;
      const now = this.#clock.now();
      if (!this.connection.isOpen) {
        // Requests still settling on a closed link fail first; the last one kicks the pump.
        if (this.#inFlight.size > 0) return Number.POSITIVE_INFINITY;
        if (now < this.#reconnectAt) return this.#reconnectAt - now;
        await this.#reconnect();
        continue;
      }
      const write = this.#writes.shift();
      if (write) {
        this.#launch(write.state, () => this.#runWrite(write));
        continue;
      }
      const plan = this.#plan(now, this.connection.maxInFlight - this.#inFlight.size);
      if (plan.kind === 'wait') return Number.isFinite(plan.untilMs) ? plan.untilMs - now : 60_000;
      const { job, timeoutMs } = plan;
      const probe = job.state.breaker.kind !== 'closed';
      if (probe) job.state.beginProbe();
      else if (!job.state.admit(now)) return 1;
      this.#launch(job.state, () => this.#runPoll(job, timeoutMs, probe));
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Runs one unit's request without waiting for it; its end frees its slot and wakes the pump. */
  #launch(state: ModbusDeviceState, run: () => Promise<void>): void {
    this.#queue.take(state);
    const request: Promise<void> = run()
      .catch(this.#requestFailed)
      .finally(() => {
        this.#inFlight.delete(request);
        this.#queue.release(state);
        this.#pump.kick();
      });
    this.#inFlight.add(request);
  }

  readonly #requestFailed = (e: unknown): void => {
    this.#log.error({ err: (e as Error).message }, 'modbus request failed');
  };

  /**
   * planNext over the jobs ready now, and over the others only as far as
   * the queue's heap tops tell (poll-queue.ts): on a link of hundreds of
   * units, most are waiting for their next cycle. A unit with a request
   * outstanding (pipelined links) is neither.
   */
  #plan(now: number, freeSlots: number): Plan<PollJob> {
    const ready = this.#queue.ready(now);
    return planReady(now, ready, this.#queue.pending, freeSlots);
  }

  async #reconnect(): Promise<void> {
    try {
      await this.connection.open();
    } catch (e) {
      const error = classifyModbusError(e, { what: 'connect', device: this.connection.key, unitId: '*', timeoutMs: 0 });
      this.#linkDown(error);
      return;
    }
    if (this.#everConnected) for (const state of this.devices.values()) state.health.count('reconnects');
    this.#everConnected = true;
    this.#connected = true;
    this.#linkFailures = 0;
    this.#log.info('modbus connected');
    for (const state of this.devices.values()) if (state.setLink(true)) this.#emitComm(state);
  }

  /** A request found the link failed: once per connection, however many were in flight on it. */
  #requestLinkFailure(error: LifelineError): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#linkDown(error);
  }

  /** The link failed: close it, mark every unit behind it, and retry the connect after a backoff. */
  #linkDown(error: LifelineError): void {
    void this.connection.close();
    this.#linkFailures += 1;
    const policy = { baseMs: this.#backoff.baseMs, maxMs: Math.min(this.#backoff.maxMs, MAX_RECONNECT_MS) };
    this.#reconnectAt = this.#clock.now() + backoffDelay(this.#linkFailures - 1, policy);
    for (const w of this.#writes.splice(0)) w.reject(gatewayError('LL_ERR_DEVICE_OFFLINE', w.state.config.id, error.message));
    if (this.#linkFailures > 1) return;
    this.#log.warn({ err: error.message }, 'modbus link down');
    for (const state of this.devices.values()) {
      this.emit('readings', badReadings(state.config.id, state.config.points, error.message, this.#clock.now()));
      if (state.setLink(false, error.message)) this.#emitComm(state);
    }
  }

  #request<T>(state: ModbusDeviceState, what: string, exchange: (c: ModbusClient) => Promise<T>, timing?: RequestTiming): Promise<T> {
    return accountedRequest(this.connection, this.#clock, state, what, exchange, timing);
  }

  /**
   * Sends the job's next request. A job of several requests yields the bus
   * after each one: its continuation queues behind every job already due, so
   * a slow unit delays the others by at most one of its own answers.
   */
  async #runPoll(job: PollJob, timeoutMs: number, probe: boolean): Promise<void> {
    const { state, group } = job;
    const progress = job.progress ?? { index: 0, readings: [], impaired: job.impaired, resumeAt: 0 };
    job.progress = undefined;
    const block = group.blocks[progress.index] as ReadBlock;
    const t0 = performance.now();
    // Late under the learned estimate: once more with the full timeout (as soon as no healthy poll is due) before it counts.
    const cut = timeoutMs < state.config.modbus.timeoutMs && !probe && !job.fullRetry && job.attempt === 0;
    try {
      const timing = { timeoutMs, quantity: block.length, retryIfLate: cut };
      const words = await this.#request(state, job.reads[progress.index] as string, (c) => readBlock(c, block), timing);
      job.fullRetry = false;
      this.#emitPoll(state, t0);
      const rxTs = this.#clock.now();
      for (const point of block.points) {
        progress.readings.push({
          device: state.config.id,
          point: point.id,
          value: decodePoint(block, words, point),
          quality: 'good',
          sourceTs: rxTs,
          rxTs,
        });
      }
    } catch (e) {
      const error = e as LifelineError;
      this.#emitPoll(state, t0, error, cut);
      if (isLinkFailure(error)) {
        this.#finishFailed(job, error);
        this.#requestLinkFailure(error);
        return;
      }
      if (error.code === 'LL_ERR_MODBUS_TIMEOUT' && cut) {
        job.fullRetry = true;
        progress.resumeAt = this.#clock.now();
        job.progress = progress;
        return;
      }
      job.fullRetry = false;
      if (!isModbusException(error) || error.transient) return this.#retryOrFail(job, error);
      // The unit answered "no" for this block only: its other blocks still count.
      progress.impaired = true;
      state.noteImpairment(error);
      progress.readings.push(...badReadings(state.config.id, block.points, error.message, this.#clock.now()));
    }
    progress.index += 1;
    if (progress.index < group.blocks.length) {
      progress.resumeAt = this.#clock.now();
      job.progress = progress;
      return;
    }
    if (this.#running) this.emit('readings', progress.readings);
    job.attempt = 0;
    job.impaired = false;
    this.#advance(job);
    if (state.cycleSucceeded(this.#clock.now(), progress.impaired)) this.#emitComm(state);
  }

  /** `cut`: the request went with a cut-short timeout, so a timeout of it is a late retry (bus-request.ts). */
  #emitPoll(state: ModbusDeviceState, t0: number, error?: LifelineError, cut = false): void {
    const timedOut = error?.code === 'LL_ERR_MODBUS_TIMEOUT';
    this.emit('poll', { device: state.config.id, ok: !error, timedOut, late: timedOut && cut, latencyMs: performance.now() - t0 });
  }

  /** Timeouts, bad frames and busy answers: retry after a backoff (the bus serves others meanwhile), or give up for this cycle. */
  #retryOrFail(job: PollJob, error: LifelineError): void {
    const { state } = job;
    const policy = state.config.acquisition;
    if (job.attempt < policy.retries && state.breaker.kind === 'closed') {
      job.attempt += 1;
      job.impaired = true;
      state.health.count('retries');
      state.noteImpairment(error);
      state.holdUntil = this.#clock.now() + backoffDelay(job.attempt - 1, policy.backoff);
      return;
    }
    this.#finishFailed(job, error);
  }

  #finishFailed(job: PollJob, error: LifelineError): void {
    const { state } = job;
    const now = this.#clock.now();
    job.attempt = 0;
    job.impaired = false;
    this.#advance(job);
    const wasClosed = state.breaker.kind === 'closed';
    const changed = state.cycleFailed(now, error);
    // An open breaker skips every group of the unit, so all its points go bad, not just this group's.
    const points = state.breaker.kind === 'open' ? state.config.points : job.group.points;
    if (this.#running) this.emit('readings', badReadings(state.config.id, points, error.message, now));
    if (changed) this.#emitComm(state);
    // Once per opening: a failed probe (every second or so) re-opens it quietly.
    if (wasClosed && state.breaker.kind === 'open') this.#log.warn({ device: state.config.id, err: error.message }, 'circuit open');
  }

  /** Drift-free cadence; after an overrun, a fresh cadence instead of a burst of catch-up polls. */
  #advance(job: PollJob): void {
    const now = this.#clock.now();
    job.nextDue += job.group.intervalMs;
    if (job.nextDue < now) job.nextDue = now;
  }

  async #runWrite(w: WriteJob): Promise<void> {
    const { state, point, value } = w;
    const id = state.config.id;
    const offline = this.#offlineReason(state);
    if (offline) return w.reject(gatewayError('LL_ERR_DEVICE_OFFLINE', id, offline));
    let expected: number[];
    let actual: number[];
    try {
      expected = await this.#request(state, `write ${point.id}`, (c) => writePointWords(c, point, value));
      actual = await this.#request(state, `read back ${point.id}`, (c) => readBack(c, point));
    } catch (e) {
      state.health.count('writeFailures');
      const error = e as LifelineError;
      if (isModbusException(error)) return w.reject(gatewayError('LL_ERR_WRITE_REFUSED', id, point.id, error.message));
      if (isLinkFailure(error)) {
        this.#requestLinkFailure(error);
        return w.reject(gatewayError('LL_ERR_DEVICE_OFFLINE', id, error.message));
      }
      return w.reject(gatewayError('LL_ERR_WRITE_TIMEOUT', id, point.id, error.message));
    }
    state.health.count('writes');
    const want = decodeRegisters(point.register, expected);
    const got = decodeRegisters(point.register, actual);
    if (want !== got) {
      state.health.count('writeFailures');
      return w.reject(gatewayError('LL_ERR_WRITE_MISMATCH', want, id, point.id, got));
    }
    const rxTs = this.#clock.now();
    this.emit('readings', [{ device: id, point: point.id, value: got, quality: 'good', sourceTs: rxTs, rxTs }]);
    w.resolve();
  }

  #emitComm(state: ModbusDeviceState): void {
    this.emit('comm', state.config.id, state.comm, state.comm === 'online' ? undefined : state.reason);
  }
}
