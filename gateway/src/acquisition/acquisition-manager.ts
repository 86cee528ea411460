import { EventEmitter } from 'node:events';
import { type Clock, type DeviceConfig, systemClock } from '@lifeline/core';
import type { Logger } from 'pino';
import { gatewayError } from '../errors.js';
import type { DeviceDriver, DriverEvents } from './device-driver.js';
import type { AcquisitionHealth, DeviceHealth, PollOutcome } from './device-health.js';
import type { DeviceWriter } from './device-writer.js';
import { DEFAULT_DRIVERS, type DriverRegistry, driverFor } from './driver-registry.js';

export type AcquisitionEvents = DriverEvents;

export interface AcquisitionOptions {
  readonly log: Logger;
  readonly clock?: Clock;
  /** The site's stateDir: drivers keep their files under it (OPC UA certificates in `<stateDir>/pki`). */
  readonly stateDir: string;
  /** The transports there are; the built-in Modbus and OPC UA drivers unless a test brings its own. */
  readonly drivers?: DriverRegistry;
}

/**
 * Everything that reads devices (DESIGN.md §3): the devices of each transport
 * go to that transport's driver factory from the registry, which groups them
 * into drivers (docs/architecture.md). Forwards the drivers' readings, comm
 * changes and poll outcomes, writes points for local actions (DeviceWriter)
 * and reports per-device health for the twin and metrics (AcquisitionHealth).
 */
export class AcquisitionManager extends EventEmitter<AcquisitionEvents> implements DeviceWriter, AcquisitionHealth {
  readonly #devices: ReadonlyMap<string, DeviceConfig>;
  readonly #drivers: DeviceDriver[];
  readonly #driverOf = new Map<string, DeviceDriver>();

  constructor(devices: readonly DeviceConfig[], options: AcquisitionOptions) {
    super();
    const registry = options.drivers ?? DEFAULT_DRIVERS;
    const context = { clock: options.clock ?? systemClock, log: options.log, stateDir: options.stateDir };
    this.#devices = new Map(devices.map((d) => [d.id, d]));
    this.#drivers = [...groupByTransport(devices)].flatMap(([transport, group]) =>
      driverFor(registry, transport, group[0]?.id ?? '').create(group, context),
    );
    for (const driver of this.#drivers) {
      for (const id of driver.deviceIds) this.#driverOf.set(id, driver);
      driver.on('readings', (r) => this.emit('readings', r));
      driver.on('comm', (device, state, reason) => this.emit('comm', device, state, reason));
      driver.on('poll', (outcome) => this.emit('poll', outcome));
    }
  }

  start(): void {
    for (const driver of this.#drivers) driver.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#drivers.map((d) => d.stop()));
  }

  async writePoint(device: string, point: string, value: number | boolean): Promise<void> {
    const p = this.#devices.get(device)?.points.find((x) => x.id === point);
    const driver = this.#driverOf.get(device);
    if (!p || !driver) throw gatewayError('LL_ERR_UNKNOWN_POINT', point, device);
    if (!p.writable) throw gatewayError('LL_ERR_WRITE_NOT_WRITABLE', device, point);
    return driver.write(device, p, value);
  }

  /** Poll outcomes for /metrics; returns the unsubscribe function. */
  subscribe(listener: (outcome: PollOutcome) => void): () => void {
    this.on('poll', listener);
    return () => this.off('poll', listener);
  }

  deviceHealth(): DeviceHealth[] {
    const order = [...this.#devices.keys()];
    return this.#drivers.flatMap((d) => d.health()).sort((a, b) => order.indexOf(a.device) - order.indexOf(b.device));
  }
}

function groupByTransport(devices: readonly DeviceConfig[]): Map<string, DeviceConfig[]> {
  const groups = new Map<string, DeviceConfig[]>();
  for (const d of devices) groups.set(d.transport, [...(groups.get(d.transport) ?? []), d]);
  return groups;
}
