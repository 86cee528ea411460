import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { DeviceConfig, ModbusDeviceConfig, ModbusPointConfig } from '../config/index.js';
import { gatewayError } from '../errors.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { connectionKey } from '../transports/modbus-connection.js';
import { BusScheduler } from './bus-scheduler.js';
import type { CommState } from './comm-state.js';
import type { AcquisitionHealth, DeviceHealth, PollOutcome } from './device-health.js';
import type { DeviceWriter } from './device-writer.js';
import { OpcuaDeviceClient } from './opcua-device-client.js';
import type { Reading } from './reading.js';

export interface AcquisitionEvents {
  readings: [readonly Reading[]];
  comm: [device: string, state: CommState, reason: string | undefined];
  /** Every Modbus poll request with its outcome and latency (OPC UA devices are subscribed, not polled). */
  poll: [outcome: PollOutcome];
}

export interface AcquisitionOptions {
  readonly log: Logger;
  readonly clock?: Clock;
  /** The site's stateDir: OPC UA client certificates are kept in `<stateDir>/pki`. */
  readonly stateDir: string;
}

/**
 * Everything that reads devices (DESIGN.md §3): one BusScheduler per physical
 * Modbus connection and one OPC UA client per OPC UA device. Emits readings
 * and comm changes, writes points for local actions (DeviceWriter), and
 * reports per-device health for the twin and metrics (AcquisitionHealth).
 */
export class AcquisitionManager extends EventEmitter<AcquisitionEvents> implements DeviceWriter, AcquisitionHealth {
  readonly #devices: ReadonlyMap<string, DeviceConfig>;
  readonly #buses: BusScheduler[];
  readonly #busOf = new Map<string, BusScheduler>();
  readonly #opcua = new Map<string, OpcuaDeviceClient>();

  constructor(devices: readonly DeviceConfig[], options: AcquisitionOptions) {
    super();
    const clock = options.clock ?? systemClock;
    this.#devices = new Map(devices.map((d) => [d.id, d]));
    const byConnection = new Map<string, ModbusDeviceConfig[]>();
    for (const d of devices) {
      if (d.transport !== 'modbus') continue;
      const key = connectionKey(d.modbus);
      byConnection.set(key, [...(byConnection.get(key) ?? []), d]);
    }
    this.#buses = [...byConnection.values()].map((group) => new BusScheduler(group, clock, options.log));
    for (const bus of this.#buses) {
      for (const id of bus.devices.keys()) this.#busOf.set(id, bus);
      bus.on('readings', (r) => this.emit('readings', r));
      bus.on('comm', (device, state, reason) => this.emit('comm', device, state, reason));
      bus.on('poll', (outcome) => this.emit('poll', outcome));
    }
    for (const d of devices) {
      if (d.transport !== 'opcua') continue;
      const client = new OpcuaDeviceClient(d, { clock, log: options.log, pkiDir: `${options.stateDir}/pki` });
      client.on('readings', (r) => this.emit('readings', r));
      client.on('comm', (state, reason) => this.emit('comm', d.id, state, reason));
      this.#opcua.set(d.id, client);
    }
  }

  start(): void {
    for (const bus of this.#buses) bus.start();
    for (const client of this.#opcua.values()) client.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#buses.map((b) => b.stop()), ...[...this.#opcua.values()].map((c) => c.stop())]);
  }

  async writePoint(device: string, point: string, value: number | boolean): Promise<void> {
    const config = this.#devices.get(device);
    const p = config?.points.find((x) => x.id === point);
    if (!config || !p) throw gatewayError('LL_ERR_UNKNOWN_POINT', point, device);
    if (!p.writable) throw gatewayError('LL_ERR_WRITE_NOT_WRITABLE', device, point);
    if (config.transport === 'opcua') return (this.#opcua.get(device) as OpcuaDeviceClient).write(p, value);
    if (!p.register) throw gatewayError('LL_ERR_WRITE_NOT_WRITABLE', device, point);
    return (this.#busOf.get(device) as BusScheduler).write(device, p as ModbusPointConfig, value);
  }

  /** Poll outcomes for /metrics; returns the unsubscribe function. */
  subscribe(listener: (outcome: PollOutcome) => void): () => void {
    this.on('poll', listener);
    return () => this.off('poll', listener);
  }

  deviceHealth(): DeviceHealth[] {
    const all = [
      ...this.#buses.flatMap((b) => [...b.devices.values()].map((s) => s.snapshot())),
      ...[...this.#opcua.values()].map((c) => c.health()),
    ];
    const order = [...this.#devices.keys()];
    return all.sort((a, b) => order.indexOf(a.device) - order.indexOf(b.device));
  }
}
