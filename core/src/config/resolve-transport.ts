import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import type { ModbusDeviceConfig, ModbusLink, OpcuaDeviceConfig } from './site-config.js';
import type { SiteDeviceInput } from './site-schema.js';
import type { YamlSource } from './yaml-source.js';

type Transport = Pick<ModbusDeviceConfig, 'transport' | 'modbus'> | Pick<OpcuaDeviceConfig, 'transport' | 'opcua'>;

const SERIAL_ONLY = ['baudRate', 'parity', 'dataBits', 'stopBits'] as const;

/** Exactly one transport per device, with its defaults applied; problems become issues. */
export function resolveTransport(device: SiteDeviceInput, index: number, source: YamlSource, issues: ConfigIssue[]): Transport | undefined {
  const at = ['devices', index];
  if (device.modbus && device.opcua) {
    issues.push(source.issueAt(at, 'a device has one transport, not both modbus and opcua', 'keep modbus: or opcua:', 'opcua'));
    return undefined;
  }
  if (device.opcua) {
    const o = device.opcua;
    return {
      transport: 'opcua',
      opcua: {
        endpointUrl: o.endpointUrl,
        securityMode: o.securityMode ?? DEFAULTS.opcuaSecurityMode,
        securityPolicy: o.securityPolicy ?? DEFAULTS.opcuaSecurityPolicy,
        ...(o.username !== undefined ? { username: o.username } : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
      },
    };
  }
  if (!device.modbus) {
    issues.push(source.issueAt(at, `device "${device.id}" has no transport`, 'add modbus: {host, port, unitId} or opcua: {endpointUrl}'));
    return undefined;
  }
  const modbus = resolveModbus(device.modbus, [...at, 'modbus'], source, issues);
  return modbus ? { transport: 'modbus', modbus } : undefined;
}

function resolveModbus(
  m: NonNullable<SiteDeviceInput['modbus']>,
  at: (string | number)[],
  source: YamlSource,
  issues: ConfigIssue[],
): ModbusLink | undefined {
  const common = { unitId: m.unitId ?? DEFAULTS.modbusUnitId, timeoutMs: m.timeoutMs ?? DEFAULTS.modbusTimeoutMs };
  if ((m.host === undefined) === (m.serialPort === undefined)) {
    issues.push(
      source.issueAt(
        at,
        'a Modbus link needs exactly one of host (TCP) and serialPort (RTU)',
        'keep host: for TCP or serialPort: for a serial line',
      ),
    );
    return undefined;
  }
  if (m.serialPort !== undefined) {
    for (const key of ['port', 'framing', 'maxInFlight'] as const) {
      if (m[key] !== undefined) issues.push(source.issueAt(at, `${key} applies to TCP links, not serialPort`, `remove ${key}`, key));
    }
    return {
      framing: 'rtu',
      serialPort: m.serialPort,
      baudRate: m.baudRate ?? DEFAULTS.modbusBaudRate,
      parity: m.parity ?? DEFAULTS.modbusParity,
      dataBits: m.dataBits ?? DEFAULTS.modbusDataBits,
      stopBits: m.stopBits ?? DEFAULTS.modbusStopBits,
      ...common,
    };
  }
  for (const key of SERIAL_ONLY) {
    if (m[key] !== undefined) issues.push(source.issueAt(at, `${key} applies to serial links, not host`, `remove ${key}`, key));
  }
  const framing = m.framing ?? DEFAULTS.modbusFraming;
  if (m.maxInFlight !== undefined && m.maxInFlight > 1 && framing !== 'tcp') {
    // Only the MBAP header carries a transaction id to match an answer to its request; RTU frames do not.
    issues.push(
      source.issueAt(
        at,
        'maxInFlight above 1 needs Modbus TCP (framing tcp): RTU frames carry no transaction id',
        'remove maxInFlight',
        'maxInFlight',
      ),
    );
  }
  const maxInFlight = framing === 'tcp' ? (m.maxInFlight ?? DEFAULTS.modbusMaxInFlight) : 1;
  return { framing, host: m.host as string, port: m.port ?? DEFAULTS.modbusPort, maxInFlight, ...common };
}

/** The key that identifies one Modbus unit on the site, to catch two devices configured at one address. */
export function modbusAddressKey(link: ModbusLink): string {
  return link.framing === 'rtu' ? `${link.serialPort}/${link.unitId}` : `${link.host}:${link.port}/${link.unitId}`;
}
