import type { EventEmitter } from 'node:events';
import type { Clock, DeviceConfig, PointConfig, Reading } from '@lifeline/core';
import type { Logger } from 'pino';
import type { CommState } from './comm-state.js';
import type { DeviceHealth, PollOutcome } from './device-health.js';

/** The one event set every driver emits, whatever its protocol. */
export interface DriverEvents {
  /** Decoded samples, in the order the device produced them. */
  readings: [readonly Reading[]];
  /** A device's communication state changed (docs/acquisition.md#comm-states). */
  comm: [device: string, state: CommState, reason: string | undefined];
  /** One request/response exchange and how it ended, for /metrics; drivers that only subscribe may never emit it. */
  poll: [outcome: PollOutcome];
}

/**
 * What reads and writes one set of devices over one protocol (DESIGN.md §3):
 * a Modbus bus scheduler per physical connection, an OPC UA client per
 * server, or a test's fake. `start()` and `stop()` are idempotent; after
 * `stop()` resolves the driver emits nothing and holds no socket or timer.
 */
export interface DeviceDriver extends EventEmitter<DriverEvents> {
  /** The ids of the devices this driver serves. */
  readonly deviceIds: readonly string[];
  start(): void;
  stop(): Promise<void>;
  /**
   * Writes an engineering value to a writable point and reads it back
   * (DeviceWriter). The manager has checked that the point exists and is
   * writable; the driver rejects with a coded LifelineError when the device
   * is offline, refuses, or reads back something else.
   */
  write(device: string, point: PointConfig, value: number | boolean): Promise<void>;
  /** Counters, latency and comm state per device, for the twin, the API and /metrics. */
  health(): DeviceHealth[];
}

/** What every driver is given: time, logging and where it may keep files (certificates). */
export interface DriverContext {
  readonly clock: Clock;
  readonly log: Logger;
  readonly stateDir: string;
}

/**
 * How a transport turns its devices into drivers: it decides the grouping
 * (Modbus units that share a line share a driver; each OPC UA server gets
 * its own).
 */
export interface DriverFactory {
  readonly transport: string;
  create(devices: readonly DeviceConfig[], context: DriverContext): DeviceDriver[];
}
