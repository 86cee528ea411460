import { EventEmitter } from 'node:events';
import type { DeviceConfig, PointConfig } from '../../core/src/index.js';
import type { Clock } from '../../core/src/time/clock.js';
import type { DeviceDriver, DriverEvents, DriverFactory } from '../../gateway/src/acquisition/device-driver.js';
import { type DeviceHealth, HealthRecorder } from '../../gateway/src/acquisition/device-health.js';

/**
 * A transport that exists only in tests: "devices" whose values the test sets
 * by hand. It proves that a driver plugs in through the registry alone
 * (docs/architecture.md, adding a driver): nothing in the gateway knows it.
 */
export class LoopbackDriver extends EventEmitter<DriverEvents> implements DeviceDriver {
  readonly deviceIds: readonly string[];
  readonly writes: { device: string; point: string; value: number | boolean }[] = [];
  running = false;
  readonly #clock: Clock;
  readonly #health = new HealthRecorder();

  constructor(devices: readonly DeviceConfig[], clock: Clock) {
    super();
    this.deviceIds = devices.map((d) => d.id);
    this.#clock = clock;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const id of this.deviceIds) this.emit('comm', id, 'online', undefined);
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  /** A sample from the "device", as a real driver would decode one. */
  set(device: string, point: string, value: number | boolean): void {
    const now = this.#clock.now();
    this.emit('readings', [{ device, point, value, quality: 'good', sourceTs: now, rxTs: now }]);
  }

  async write(device: string, point: PointConfig, value: number | boolean): Promise<void> {
    this.writes.push({ device, point: point.id, value });
    this.#health.count('writes');
    this.set(device, point.id, value);
  }

  health(): DeviceHealth[] {
    return this.deviceIds.map((device) => ({
      device,
      transport: 'loopback',
      connection: `loopback://${device}`,
      comm: this.running ? 'online' : 'offline',
      breaker: 'closed',
      counters: { ...this.#health.counters },
      latency: this.#health.latency(),
    }));
  }
}

/** The registry entry: one driver for all loopback devices; `created` lets the test reach it. */
export function loopbackDrivers(): DriverFactory & { readonly created: LoopbackDriver[] } {
  const created: LoopbackDriver[] = [];
  return {
    transport: 'loopback',
    created,
    create(devices, { clock }) {
      const driver = new LoopbackDriver(devices, clock);
      created.push(driver);
      return [driver];
    },
  };
}

/** Moves a loaded site's devices onto the loopback transport (the schema knows only modbus and opcua). */
export function onLoopback(device: DeviceConfig): DeviceConfig {
  const { id, name, profile, pollIntervalMs, points, acquisition } = device;
  return { id, name, profile, pollIntervalMs, points, acquisition, transport: 'loopback' } as unknown as DeviceConfig;
}
