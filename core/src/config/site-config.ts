import type { PointDataType } from './point-data-type.js';
import type { LimitCondition, ModbusRegister, Names, OpcuaDataType, Profile } from './profile-schema.js';
import type { ActionConfig, AlarmOptions } from './schema-alarms.js';

export type { ActionConfig, ActionWrite, AlarmOptions } from './schema-alarms.js';

import type { AcquisitionConfig } from './schema-acquisition.js';
import type { HttpConfig } from './schema-http.js';
import type { SparkplugLink } from './schema-sparkplug.js';
import type { ListenerTls } from './schema-tls.js';
import type { TwinConfig } from './schema-twin.js';
import type { DeliveryConfig, LocalUser } from './schema-uplinks.js';

/** The validated, defaulted, frozen site: what the gateway and simulator run on. */
export interface SiteConfig {
  readonly file: string;
  readonly site: string;
  readonly gateway: string;
  /** Absolute path of the folder for durable state (alarm state, outbox); created on start. */
  readonly stateDir: string;
  /** SIGTERM ends the process within this (docs/operations.md#shutdown). */
  readonly stopDeadlineMs: number;
  readonly http: HttpConfig;
  readonly mqtt: {
    readonly local: Endpoint & {
      readonly enabled: boolean;
      readonly allowInsecure: boolean;
      /** The largest packet a local client may send (packet-size-guard.ts). */
      readonly maxPacketBytes: number;
      readonly tls?: ListenerTls;
      readonly users?: readonly LocalUser[];
    };
    readonly centre?: CentreLink;
    /** A Sparkplug B edge node link (docs/sparkplug.md). */
    readonly sparkplug?: SparkplugLink;
  };
  readonly simulator: { readonly http: Endpoint & { readonly allowInsecure: boolean } };
  /** Outbox budget, telemetry and InfluxDB sinks (schema-uplinks.ts). */
  readonly delivery: DeliveryConfig;
  readonly twin: TwinConfig;
  readonly devices: readonly DeviceConfig[];
  /** Local automatic control rules (docs/alarms.md#local-actions). */
  readonly actions: readonly ActionConfig[];
  readonly alarms: AlarmOptions;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface CentreLink {
  readonly url: string;
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  readonly protocolVersion: 4 | 5;
  readonly keepaliveS?: number;
  readonly ackTimeoutMs?: number;
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly rejectUnauthorized: boolean;
    readonly servername?: string;
  };
}

/** A device is reached over exactly one transport. */
export type DeviceConfig = ModbusDeviceConfig | OpcuaDeviceConfig;

interface DeviceBase {
  readonly id: string;
  readonly name: string;
  /** The name per dashboard language (site, else profile); a missing one falls back to `name`. */
  readonly names?: Names;
  readonly profile: Profile;
  readonly pollIntervalMs: number;
  readonly points: readonly PointConfig[];
  readonly acquisition: AcquisitionConfig;
}

export interface ModbusDeviceConfig extends DeviceBase {
  readonly transport: 'modbus';
  readonly modbus: ModbusLink;
}

export interface OpcuaDeviceConfig extends DeviceBase {
  readonly transport: 'opcua';
  readonly opcua: OpcuaLink;
}

export type ModbusLink = ModbusTcpLink | ModbusSerialLink;

export interface ModbusTcpLink extends Endpoint {
  readonly framing: 'tcp' | 'rtu-over-tcp';
  readonly unitId: number;
  readonly timeoutMs: number;
  /** Requests outstanding at once on the link (MBAP pipelining; always 1 for rtu-over-tcp). */
  readonly maxInFlight: number;
}

export interface ModbusSerialLink {
  readonly framing: 'rtu';
  readonly serialPort: string;
  readonly baudRate: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly dataBits: 7 | 8;
  readonly stopBits: 1 | 2;
  readonly unitId: number;
  readonly timeoutMs: number;
}

export interface OpcuaLink {
  readonly endpointUrl: string;
  readonly securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  readonly securityPolicy: string;
  readonly username?: string;
  readonly password?: string;
}

/** Where a point lives on an OPC UA server: a node id, or a browse path from Objects re-resolved on reconnect. */
export interface OpcuaAddress {
  readonly nodeId?: string;
  readonly browsePath?: string;
  readonly dataType?: OpcuaDataType;
}

export interface PointConfig {
  readonly id: string;
  readonly name: string;
  readonly names?: Names;
  readonly unit: string;
  /** Boolean or number, from the point's addresses (pointDataType): what conditions, writes and the simulator go by. */
  readonly dataType: PointDataType;
  /** Where the point lives in a Modbus register map; absent for OPC UA-only points. */
  readonly register?: Required<Omit<ModbusRegister, 'bit'>> & Pick<ModbusRegister, 'bit'>;
  /** Where the point lives on an OPC UA server; absent for Modbus-only points. */
  readonly opcua?: OpcuaAddress;
  readonly writable: boolean;
  readonly range?: { readonly min: number; readonly max: number };
  readonly limits: readonly LimitConfig[];
  readonly initial?: number | boolean;
}

export interface LimitConfig {
  readonly condition: LimitCondition;
  readonly value: number;
  readonly hysteresis: number;
  readonly priority: 1 | 2 | 3 | 4;
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  /** N-sample debounce: consecutive samples beyond (returned) before raising (clearing). */
  readonly onSamples: number;
  readonly offSamples: number;
  readonly basis?: string;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A point with a Modbus address: what Modbus drivers and the Modbus simulator work on. */
export type ModbusPointConfig = PointConfig & { readonly register: NonNullable<PointConfig['register']> };

export function isModbusPoint(point: PointConfig): point is ModbusPointConfig {
  return point.register !== undefined;
}

export function modbusPoints(points: readonly PointConfig[]): ModbusPointConfig[] {
  return points.filter(isModbusPoint);
}

/** A device's transport as the APIs show it: kind plus where it is reached. */
export function describeTransport(device: DeviceConfig): Record<string, string | number> {
  if (device.transport === 'opcua')
    return { kind: 'opcua', endpointUrl: device.opcua.endpointUrl, securityMode: device.opcua.securityMode };
  // A transport from a driver this module does not know (a test's, a plugin's) is shown by its name.
  if (device.transport !== 'modbus') return { kind: String((device as { transport: unknown }).transport) };
  const m = device.modbus;
  if (m.framing === 'rtu') return { kind: 'modbus-rtu', serialPort: m.serialPort, baudRate: m.baudRate, unitId: m.unitId };
  return { kind: m.framing === 'tcp' ? 'modbus-tcp' : 'modbus-rtu-over-tcp', host: m.host, port: m.port, unitId: m.unitId };
}
