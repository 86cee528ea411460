import type { ModbusSerialLink, ModbusTcpLink } from '../../core/src/index.js';

/** Resolved links for unit tests of link-level rules (floors, silence): a 9,600-baud 8N1 line and a Modbus TCP host. */
export const SERIAL_9600: ModbusSerialLink = {
  framing: 'rtu',
  serialPort: '/dev/x',
  baudRate: 9600,
  parity: 'none',
  dataBits: 8,
  stopBits: 1,
  unitId: 1,
  timeoutMs: 1000,
};

export const TCP_LINK: ModbusTcpLink = { framing: 'tcp', host: 'h', port: 502, unitId: 1, timeoutMs: 1000, maxInFlight: 1 };
