import type { DeviceConfig, ModbusDeviceConfig } from '@lifeline/core';
import { connectionKey } from '../../transports/modbus-connection.js';
import type { DriverFactory } from '../device-driver.js';
import { BusScheduler } from './bus-scheduler.js';

/**
 * Modbus TCP, RTU over TCP and serial RTU: the units behind one physical
 * connection (a TCP endpoint or a serial line) share one bus scheduler, since
 * the line carries one transaction at a time (Modbus over Serial Line V1.02 §2.1).
 */
export const modbusDrivers: DriverFactory = {
  transport: 'modbus',
  create(devices, { clock, log }) {
    const byConnection = new Map<string, ModbusDeviceConfig[]>();
    for (const d of devices.filter(isModbusDevice)) {
      const key = connectionKey(d.modbus);
      byConnection.set(key, [...(byConnection.get(key) ?? []), d]);
    }
    return [...byConnection.values()].map((group) => new BusScheduler(group, clock, log));
  },
};

function isModbusDevice(d: DeviceConfig): d is ModbusDeviceConfig {
  return d.transport === 'modbus';
}
