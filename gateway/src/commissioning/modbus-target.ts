import { DEFAULTS, type ModbusLink, systemClock } from '@lifeline/core';
import { gatewayError, type LifelineError } from '../errors.js';
import { ModbusConnection } from '../transports/modbus-connection.js';
import { choiceOption, intOption, UsageError } from './command.js';

/** The options that name a Modbus line on the command line: `--host` (TCP, RTU over TCP) or `--serial`. */
export const LINK_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'rtu-over-tcp': { type: 'boolean' },
  serial: { type: 'string' },
  baud: { type: 'string' },
  parity: { type: 'string' },
  'data-bits': { type: 'string' },
  'stop-bits': { type: 'string' },
  'timeout-ms': { type: 'string' },
} as const;

export const LINK_HELP = `  --host H          Modbus TCP device or gateway (or a serial device server with --rtu-over-tcp)
  --port N          its TCP port (default ${DEFAULTS.modbusPort})
  --rtu-over-tcp    raw RTU frames with CRC over TCP (a transparent serial device server)
  --serial DEV      RTU on a serial line instead, e.g. /dev/ttyUSB0
  --baud N          serial bit rate (default ${DEFAULTS.modbusBaudRate}); --parity none|even|odd (default ${DEFAULTS.modbusParity})
  --data-bits 7|8   (default ${DEFAULTS.modbusDataBits}); --stop-bits 1|2 (default ${DEFAULTS.modbusStopBits})
`;

type LinkValues = { readonly [K in keyof typeof LINK_OPTIONS]?: (typeof LINK_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The link the options name, for `unitId` with a per-request `timeoutMs`; exactly one of --host and --serial. */
export function linkFromOptions(values: LinkValues, unitId: number, timeoutMs: number): ModbusLink {
  if (values.host !== undefined && values.serial !== undefined) throw new UsageError('give --host or --serial, not both');
  if (values.serial !== undefined) {
    return {
      framing: 'rtu',
      serialPort: values.serial,
      baudRate: intOption(values.baud, 'baud', 300, 921_600, DEFAULTS.modbusBaudRate),
      parity: choiceOption(values.parity, 'parity', ['none', 'even', 'odd'] as const, DEFAULTS.modbusParity),
      dataBits: Number(choiceOption(values['data-bits'], 'data-bits', ['7', '8'] as const, '8')) as 7 | 8,
      stopBits: Number(choiceOption(values['stop-bits'], 'stop-bits', ['1', '2'] as const, '1')) as 1 | 2,
      unitId,
      timeoutMs,
    };
  }
  if (values.host === undefined) throw new UsageError('name the line: --host H [--port N] or --serial /dev/ttyUSB0');
  return {
    framing: values['rtu-over-tcp'] ? 'rtu-over-tcp' : 'tcp',
    host: values.host,
    port: intOption(values.port, 'port', 1, 65_535, DEFAULTS.modbusPort),
    unitId,
    timeoutMs,
    // One request at a time: a scan must work on every device and TCP gateway, pipelining or not.
    maxInFlight: 1,
  };
}

/** A line for people: `tcp://host:port`, `rtu-over-tcp://…` or `rtu:///dev/ttyUSB0 9600 8N1`. */
export function describeLink(link: ModbusLink): string {
  if (link.framing !== 'rtu') return `${link.framing}://${link.host}:${link.port}`;
  const parity = { none: 'N', even: 'E', odd: 'O' }[link.parity];
  return `rtu://${link.serialPort} ${link.baudRate} ${link.dataBits}${parity}${link.stopBits}`;
}

/** Opens the line through the gateway's own transport, or throws an error that names the cause and the fix. */
export async function openLink(link: ModbusLink): Promise<ModbusConnection> {
  const connection = new ModbusConnection(link, systemClock);
  try {
    await connection.open();
  } catch (e) {
    throw openFailure(link, e);
  }
  return connection;
}

/**
 * Why a line would not open, from the errno Node or the serialport binding
 * reports (its messages: "Error: <strerror>, cannot open <path>" and
 * "Error <strerror> Cannot lock port", @serialport/bindings-cpp serialport_unix.cpp).
 */
export function openFailure(link: ModbusLink, e: unknown): LifelineError {
  const err = (e ?? {}) as { code?: string; errno?: string; message?: string };
  const detail = err.message ?? String(e);
  const where = describeLink(link);
  if (link.framing === 'rtu') {
    if (/No such file|ENOENT/i.test(detail)) return gatewayError('LL_ERR_SERIAL_NOT_FOUND', link.serialPort);
    if (/Permission denied|EACCES/i.test(detail)) return gatewayError('LL_ERR_SERIAL_PERMISSION', link.serialPort);
    if (/Cannot lock port|Resource temporarily unavailable|EBUSY|busy/i.test(detail))
      return gatewayError('LL_ERR_SERIAL_BUSY', link.serialPort, detail, link.serialPort);
    return gatewayError('LL_ERR_MODBUS_IO', 'open', where, link.unitId, detail);
  }
  const code = err.code ?? err.errno ?? '';
  if (code === 'ECONNREFUSED') return gatewayError('LL_ERR_LINK_REFUSED', where, 'connection refused');
  if (['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) || /Timed Out/i.test(detail))
    return gatewayError('LL_ERR_LINK_UNREACHABLE', where, code || detail);
  return gatewayError('LL_ERR_MODBUS_IO', 'connect', where, link.unitId, detail);
}
