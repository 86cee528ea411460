import { createRequire } from 'node:module';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';

/**
 * modbus-serial is CommonJS whose typings declare an ES default export that the
 * runtime does not have; this adapter is the one place that bridges the two.
 */
export type ModbusClient = ModbusRTU;

const require = createRequire(import.meta.url);
const modbusSerial = require('modbus-serial') as new () => ModbusClient;

export function createModbusClient(): ModbusClient {
  return new modbusSerial();
}
