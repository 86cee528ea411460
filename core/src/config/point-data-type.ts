import type { ModbusRegister, OpcuaDataType } from './profile-schema.js';

/**
 * What a point carries, whatever the protocol: alarm conditions, writes and
 * the simulator decide on this, never on a Modbus register type, so an OPC
 * UA-only Boolean is a boolean too.
 */
export type PointDataType = 'boolean' | 'number';

interface PointAddresses {
  readonly modbus?: Pick<ModbusRegister, 'type'>;
  readonly opcua?: { readonly dataType?: OpcuaDataType };
}

/** Boolean when the Modbus register is a bit (`type: bool`), or, with no register, when the OPC UA variable is a Boolean. */
export function pointDataType(point: PointAddresses): PointDataType {
  if (point.modbus) return point.modbus.type === 'bool' ? 'boolean' : 'number';
  return point.opcua?.dataType === 'Boolean' ? 'boolean' : 'number';
}

/** A point served over both protocols must carry the same kind of value on each. */
export function dataTypeConflict(point: PointAddresses): string | undefined {
  const opcuaType = point.opcua?.dataType;
  if (!point.modbus || !opcuaType) return undefined;
  const modbusBool = point.modbus.type === 'bool';
  if (modbusBool === (opcuaType === 'Boolean')) return undefined;
  return modbusBool ? `a bool register served as OPC UA ${opcuaType}` : `a ${point.modbus.type} register served as OPC UA Boolean`;
}
