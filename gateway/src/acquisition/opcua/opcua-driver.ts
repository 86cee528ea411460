import type { DeviceConfig, OpcuaDeviceConfig } from '@lifeline/core';
import type { DriverFactory } from '../device-driver.js';
import { OpcuaDeviceClient } from './opcua-device-client.js';

/** OPC UA: one client (session + subscription) per device; certificates in `<stateDir>/pki`. */
export const opcuaDrivers: DriverFactory = {
  transport: 'opcua',
  create(devices, { clock, log, stateDir }) {
    return devices.filter(isOpcuaDevice).map((d) => new OpcuaDeviceClient(d, { clock, log, pkiDir: `${stateDir}/pki` }));
  },
};

function isOpcuaDevice(d: DeviceConfig): d is OpcuaDeviceConfig {
  return d.transport === 'opcua';
}
