import { type AddressInfo, createServer } from 'node:net';
import type { DeviceConfig, ModbusSerialLink, ModbusTcpLink, OpcuaDeviceConfig } from '@lifeline/core';

/** Where a device is served, as GET /devices and the CLI show it. */
export type ServedAt =
  | { readonly kind: 'modbus-tcp' | 'modbus-rtu-over-tcp'; readonly host: string; readonly port: number; readonly unitId: number }
  | { readonly kind: 'modbus-rtu'; readonly serialPort: string; readonly baudRate: number; readonly unitId: number }
  | { readonly kind: 'opcua'; readonly host: string; readonly port: number; readonly endpointUrl: string };

/** Devices grouped by the server that serves them: one per TCP host:port and framing, serial line, or OPC UA endpoint. */
export interface ServerGroups {
  readonly tcp: Map<string, { link: ModbusTcpLink; ids: string[] }>;
  readonly serial: Map<string, { link: ModbusSerialLink; ids: string[] }>;
  readonly opcua: Map<string, { url: URL; ids: string[] }>;
}

export function groupByServer(devices: readonly DeviceConfig[]): ServerGroups {
  const groups: ServerGroups = { tcp: new Map(), serial: new Map(), opcua: new Map() };
  for (const d of devices) {
    if (d.transport === 'opcua') {
      const url = opcuaUrl(d);
      const key = `${url.hostname}:${url.port || 4840}${url.pathname}`;
      const g = groups.opcua.get(key) ?? { url, ids: [] };
      g.ids.push(d.id);
      groups.opcua.set(key, g);
    } else if (d.modbus.framing === 'rtu') {
      const g = groups.serial.get(d.modbus.serialPort) ?? { link: d.modbus, ids: [] };
      g.ids.push(d.id);
      groups.serial.set(d.modbus.serialPort, g);
    } else {
      const key = `${d.modbus.framing}/${d.modbus.host}:${d.modbus.port}`;
      const g = groups.tcp.get(key) ?? { link: d.modbus, ids: [] };
      g.ids.push(d.id);
      groups.tcp.set(key, g);
    }
  }
  return groups;
}

/** The endpoint URL parsed with the WHATWG parser (which does not know opc.tcp). */
export function opcuaUrl(d: OpcuaDeviceConfig): URL {
  return new URL(d.opcua.endpointUrl.replace(/^opc\.tcp:/, 'http:'));
}

/** Port 0 means "any free port": found first, because some servers (node-opcua) cannot report what they bound. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
