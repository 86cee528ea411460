import { createRequire } from 'node:module';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';

/**
 * modbus-serial is CommonJS whose typings declare an ES default export that the
 * runtime does not have; this adapter is the one place that bridges the two.
 */
export type ModbusRtuClient = ModbusRTU;

/**
 * What an exchange may call (functions 1–6, 15, 16, 43, modbus-serial's
 * promise API): modbus-serial's client on RTU links, MbapExchange on Modbus
 * TCP (mbap-exchange.ts).
 */
export type ModbusClient = Pick<
  ModbusRTU,
  | 'readCoils'
  | 'readDiscreteInputs'
  | 'readHoldingRegisters'
  | 'readInputRegisters'
  | 'writeCoil'
  | 'writeCoils'
  | 'writeRegister'
  | 'writeRegisters'
  | 'readDeviceIdentification'
>;

const require = createRequire(import.meta.url);
const modbusSerial = require('modbus-serial') as new () => ModbusRtuClient;

/** A client for one of modbus-serial's connect* ports (RTU links). */
export function createModbusClient(): ModbusRtuClient {
  return new modbusSerial();
}

/** What modbus-serial's RTU ports (RTUBufferedPort, TelnetPort) hold: the serial port or socket, and what they buffered. */
interface RtuPortInternals {
  readonly _client?: { on(event: 'data', listener: (chunk: Buffer) => void): unknown };
  _buffer?: Buffer;
}

function rtuPort(client: ModbusRtuClient): RtuPortInternals | undefined {
  return (client as unknown as { _port?: RtuPortInternals })._port;
}

/** The raw byte stream under an RTU port (every byte as it arrives, before the port frames it). */
export function rawBytesOf(client: ModbusRtuClient): RtuPortInternals['_client'] {
  return rtuPort(client)?._client;
}

/** Drops what an RTU port has buffered (a late answer); returns how many bytes. */
export function discardReceived(client: ModbusRtuClient): number {
  const port = rtuPort(client);
  const n = port?._buffer?.length ?? 0;
  if (port && n > 0) port._buffer = Buffer.alloc(0);
  return n;
}
