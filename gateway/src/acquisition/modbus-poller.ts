import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { decodeRegisters, type ModbusDeviceConfig, type ModbusLink, modbusPoints, registerCount } from '../config/index.js';
import type { LifelineError } from '../errors.js';
import { backoffDelay } from '../runtime/backoff.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { createModbusClient, type ModbusClient } from '../transports/modbus-serial.js';
import { classifyModbusError, isLinkFailure } from './modbus-errors.js';
import type { Reading } from './reading.js';
import { planReads, type ReadBlock } from './register-plan.js';

export type CommState = 'connecting' | 'online' | 'offline';

export interface PollerEvents {
  readings: [readonly Reading[]];
  comm: [CommState, string | undefined];
}

/**
 * Polls one Modbus TCP device at its interval, decodes by its profile and
 * emits readings. Owns its connection and its one timer: polls are chained,
 * never overlapping, on a drift-free schedule; a lost link is reopened with
 * backoff and every point reads bad with the reason meanwhile.
 */
export class ModbusPoller extends EventEmitter<PollerEvents> {
  readonly device: ModbusDeviceConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #blocks: readonly ReadBlock[];
  #client: ModbusClient | undefined;
  #timer: TimerHandle | undefined;
  #running = false;
  #nextDue = 0;
  #failures = 0;
  #comm: CommState = 'connecting';

  constructor(device: ModbusDeviceConfig, clock: Clock, log: Logger) {
    super();
    this.device = device;
    this.#clock = clock;
    this.#log = log.child({ device: device.id });
    this.#blocks = planReads(modbusPoints(device.points));
  }

  get comm(): CommState {
    return this.#comm;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#nextDue = this.#clock.now();
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#closeClient();
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#cycle();
    }, delayMs);
  }

  async #cycle(): Promise<void> {
    try {
      const client = this.#client ?? (await this.#connect());
      const readings = await this.#pollOnce(client);
      this.#failures = 0;
      this.#setComm('online');
      if (this.#running) this.emit('readings', readings);
      this.#scheduleNextPoll();
    } catch (e) {
      this.#onFailure(classifyModbusError(e, 'poll', this.device.id, this.device.modbus.unitId));
    }
  }

  async #connect(): Promise<ModbusClient> {
    const link = this.device.modbus;
    const client = createModbusClient();
    this.#client = client;
    await openLink(client, link);
    client.setID(link.unitId);
    client.setTimeout(link.timeoutMs);
    this.#log.info({ link }, 'modbus connected');
    return client;
  }

  async #pollOnce(client: ModbusClient): Promise<Reading[]> {
    const readings: Reading[] = [];
    for (const block of this.#blocks) {
      const words = await readBlock(client, block);
      const rxTs = Date.now();
      for (const point of block.points) {
        const offset = point.register.address - block.address;
        const slice = words.slice(offset, offset + registerCount(point.register));
        const value = decodeRegisters(point.register, slice);
        readings.push({ device: this.device.id, point: point.id, value, quality: 'good', sourceTs: rxTs, rxTs });
      }
    }
    return readings;
  }

  #scheduleNextPoll(): void {
    const now = this.#clock.now();
    this.#nextDue += this.device.pollIntervalMs;
    // After an overrun, start a fresh cadence instead of firing a burst of catch-up polls.
    if (this.#nextDue < now) this.#nextDue = now;
    this.#schedule(this.#nextDue - now);
  }

  #onFailure(error: LifelineError): void {
    if (!this.#running) return;
    this.#failures += 1;
    if (this.#failures === 1) this.#log.warn({ err: error.message, code: error.code }, 'modbus poll failed');
    const now = Date.now();
    this.emit(
      'readings',
      this.device.points.map((p) => ({
        device: this.device.id,
        point: p.id,
        quality: 'bad',
        reason: error.message,
        sourceTs: now,
        rxTs: now,
      })),
    );
    if (isLinkFailure(error)) {
      this.#setComm('offline', error.message);
      void this.#closeClient();
      this.#schedule(backoffDelay(this.#failures - 1));
    } else {
      this.#setComm(error.transient ? 'offline' : 'online', error.message);
      this.#scheduleNextPoll();
    }
  }

  #setComm(state: CommState, reason?: string): void {
    if (state === this.#comm) return;
    this.#comm = state;
    this.emit('comm', state, reason);
  }

  async #closeClient(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client?.isOpen) await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}

function openLink(client: ModbusClient, link: ModbusLink): Promise<void> {
  switch (link.framing) {
    case 'tcp':
      return client.connectTCP(link.host, { port: link.port });
    case 'rtu-over-tcp':
      return client.connectTcpRTUBuffered(link.host, { port: link.port });
    case 'rtu':
      return client.connectRTUBuffered(link.serialPort, {
        baudRate: link.baudRate,
        parity: link.parity,
        dataBits: link.dataBits,
        stopBits: link.stopBits,
      });
  }
}

async function readBlock(client: ModbusClient, block: ReadBlock): Promise<number[]> {
  switch (block.table) {
    case 'holding':
      return (await client.readHoldingRegisters(block.address, block.length)).data;
    case 'input':
      return (await client.readInputRegisters(block.address, block.length)).data;
    case 'coil':
      return (await client.readCoils(block.address, block.length)).data.map(Number);
    case 'discrete':
      return (await client.readDiscreteInputs(block.address, block.length)).data.map(Number);
  }
}
