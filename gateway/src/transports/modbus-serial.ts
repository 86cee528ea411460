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

/**
 * modbus-serial keeps every transaction in `_transactions` by id and never
 * deletes one; with 65,535 MBAP ids (transaction-ids.ts) that map would grow
 * to every id. The connection drops an entry once its exchange is over (its
 * timeout closure holds the entry itself, so a pending timer still works).
 */
export function forgetTransaction(client: ModbusClient, tid: number): void {
  const transactions = (client as unknown as { _transactions?: Record<number, unknown> })._transactions;
  if (transactions) delete transactions[tid];
}

/** What modbus-serial's RTU ports (RTUBufferedPort, TelnetPort) hold: the serial port or socket, and what they buffered. */
interface RtuPortInternals {
  readonly _client?: { on(event: 'data', listener: (chunk: Buffer) => void): unknown };
  _buffer?: Buffer;
}

function rtuPort(client: ModbusClient): RtuPortInternals | undefined {
  return (client as unknown as { _port?: RtuPortInternals })._port;
}

/** The raw byte stream under an RTU port (every byte as it arrives, before the port frames it). */
export function rawBytesOf(client: ModbusClient): RtuPortInternals['_client'] {
  return rtuPort(client)?._client;
}

/** Drops what an RTU port has buffered (a late answer); returns how many bytes. */
export function discardReceived(client: ModbusClient): number {
  const port = rtuPort(client);
  const n = port?._buffer?.length ?? 0;
  if (port && n > 0) port._buffer = Buffer.alloc(0);
  return n;
}
