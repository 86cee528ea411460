import {
  DEFAULTS,
  type ModbusDeviceConfig,
  type ModbusLink,
  type ModbusPointConfig,
  REGISTER_TABLES,
  REGISTER_TYPES,
  type SiteConfig,
} from '@lifeline/core';
import { gatewayError } from '../errors.js';
import { choiceOption, intOption, numberOption, UsageError } from './command.js';
import { LINK_OPTIONS, linkFromOptions } from './modbus-target.js';

/** One point to read or write: where it is reached and how its registers decode. */
export interface PointTarget {
  readonly link: ModbusLink;
  /** The site's device and point ids, when named; absent for a raw address. */
  readonly device?: string;
  readonly point: ModbusPointConfig;
}

/** A raw address: the register spec of a point, given on the command line. */
export const RAW_OPTIONS = {
  unit: { type: 'string' },
  table: { type: 'string' },
  address: { type: 'string' },
  type: { type: 'string' },
  'word-order': { type: 'string' },
  scale: { type: 'string' },
  offset: { type: 'string' },
  bit: { type: 'string' },
} as const;

export const TARGET_OPTIONS = { ...LINK_OPTIONS, ...RAW_OPTIONS, config: { type: 'string', short: 'c' } } as const;

export const TARGET_HELP = `a point of a site's device, decoded with its profile:
  --config site.yaml DEVICE POINT
or a raw address, on a device of the site or on a line named as for scan:
  --config site.yaml DEVICE --address N ...   or   --host H | --serial DEV [--unit N] --address N ...
  --table T         holding (default), input, coil or discrete
  --address N       zero-based protocol address (register 40101 is holding 100)
  --type T          ${REGISTER_TYPES.join(', ')} (default uint16; bool for coils and inputs)
  --word-order W    big (ABCD, high word first; default) or little (CDAB)
  --scale X         engineering = raw × scale + offset (default 1); --offset X (default 0)
  --bit N           one bit (0–15) of a register, as a boolean
  --unit N          the unit id on a line (default ${DEFAULTS.modbusUnitId}); --timeout-ms N (default ${DEFAULTS.modbusTimeoutMs})
`;

type TargetValues = {
  readonly [K in keyof typeof TARGET_OPTIONS]?: (typeof TARGET_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

/** The point the arguments name; `load` reads the site config only when one is given. */
export async function resolveTarget(
  values: TargetValues,
  positionals: readonly string[],
  load: (file: string) => Promise<SiteConfig>,
): Promise<PointTarget> {
  if (values.config === undefined) {
    if (values.address === undefined) throw new UsageError('name a point: --config site.yaml DEVICE POINT, or a line and --address N');
    const timeoutMs = intOption(values['timeout-ms'], 'timeout-ms', 10, 60_000, DEFAULTS.modbusTimeoutMs);
    const link = linkFromOptions(values, intOption(values.unit, 'unit', 0, 255, DEFAULTS.modbusUnitId), timeoutMs);
    return { link, point: rawPoint(values) };
  }
  const site = await load(values.config);
  const [deviceId, pointId] = positionals;
  if (deviceId === undefined) throw new UsageError('name the device after --config: --config site.yaml DEVICE POINT');
  const device = modbusDevice(site, deviceId);
  const timeoutMs = intOption(values['timeout-ms'], 'timeout-ms', 10, 60_000, device.modbus.timeoutMs);
  const link = { ...device.modbus, timeoutMs };
  if (values.address !== undefined) return { link, device: device.id, point: rawPoint(values) };
  if (pointId === undefined) throw new UsageError(`name a point of ${device.id}: ${device.points.map((p) => p.id).join(', ')}`);
  const point = device.points.find((p) => p.id === pointId);
  if (!point) throw gatewayError('LL_ERR_UNKNOWN_POINT', pointId, device.id);
  if (!point.register) throw new UsageError(`point ${device.id}/${point.id} has no Modbus address (an OPC UA point: use browse)`);
  return { link, device: device.id, point: point as ModbusPointConfig };
}

function modbusDevice(site: SiteConfig, id: string): ModbusDeviceConfig {
  const device = site.devices.find((d) => d.id === id);
  if (!device) throw gatewayError('LL_ERR_UNKNOWN_DEVICE', id, site.file, site.devices.map((d) => d.id).join(', '));
  if (device.transport !== 'modbus') throw new UsageError(`device ${id} is reached over OPC UA: use lifeline-gateway browse`);
  return device;
}

/** A point made from --table, --address, --type, --word-order, --scale, --offset, --bit. */
export function rawPoint(values: TargetValues): ModbusPointConfig {
  const table = choiceOption(values.table, 'table', REGISTER_TABLES, 'holding');
  const bitTable = table === 'coil' || table === 'discrete';
  const bit = values.bit === undefined ? undefined : intOption(values.bit, 'bit', 0, 15, 0);
  const type = choiceOption(values.type, 'type', REGISTER_TYPES, bitTable || bit !== undefined ? 'bool' : 'uint16');
  if (bitTable && type !== 'bool') throw new UsageError(`a ${table} is one bit: --type bool (or leave --type out)`);
  const register = {
    table,
    address: intOption(values.address, 'address', 0, 65_535, 0),
    type,
    wordOrder: choiceOption(values['word-order'], 'word-order', ['big', 'little'] as const, 'big'),
    scale: numberOption(values.scale, 'scale', 1),
    offset: numberOption(values.offset, 'offset', 0),
    ...(bit === undefined ? {} : { bit }),
  };
  const id = `${table}-${register.address}`;
  return { id, name: id, unit: '', dataType: type === 'bool' ? 'boolean' : 'number', register, writable: true, limits: [] };
}
