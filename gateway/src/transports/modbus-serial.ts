import { createRequire } from 'node:module';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';

/**
 * modbus-serial is CommonJS whose typings declare an ES default export that the
 * runtime does not have; this adapter is the one place that bridges the two.
 */
export type ModbusClient = ModbusRTU;

const require = createRequire(import.meta.url);
const modbusSerial = require('modbus-serial') as new (port?: unknown) => ModbusClient;

/** A client for one of modbus-serial's connect* ports, or on a port of ours (see MbapPort). */
export function createModbusClient(port?: unknown): ModbusClient {
  return new modbusSerial(port);
}
