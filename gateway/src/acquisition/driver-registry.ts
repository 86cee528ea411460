import { gatewayError } from '../errors.js';
import type { DriverFactory } from './device-driver.js';
import { modbusDrivers } from './modbus/modbus-driver.js';
import { opcuaDrivers } from './opcua/opcua-driver.js';

/** The transports a site's devices may use, by name; adding one is a folder of its own and an entry here. */
export type DriverRegistry = ReadonlyMap<string, DriverFactory>;

export const DEFAULT_DRIVERS: DriverRegistry = driverRegistry([modbusDrivers, opcuaDrivers]);

export function driverRegistry(factories: readonly DriverFactory[]): DriverRegistry {
  return new Map(factories.map((f) => [f.transport, f]));
}

/** The factory for a transport, or a coded error naming the ones there are. */
export function driverFor(registry: DriverRegistry, transport: string, device: string): DriverFactory {
  const factory = registry.get(transport);
  if (!factory) throw gatewayError('LL_ERR_UNKNOWN_TRANSPORT', transport, device, [...registry.keys()].join(', '));
  return factory;
}
