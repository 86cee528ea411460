import type { OpcuaDataType, PointConfig } from '@lifeline/core';
import { DataType } from 'node-opcua';

/** The OPC UA built-in type a point is served as: the profile's `opcua.dataType`, else one derived from its register. */
export function opcuaDataType(point: PointConfig): OpcuaDataType {
  if (point.opcua?.dataType) return point.opcua.dataType;
  const reg = point.register;
  if (!reg || reg.type === 'bool') return reg ? 'Boolean' : 'Double';
  if (reg.type === 'float32' || reg.scale !== 1 || reg.offset !== 0) return 'Double';
  return ({ uint16: 'UInt16', int16: 'Int16', uint32: 'UInt32', int32: 'Int32' } as const)[reg.type];
}

export function toDataType(t: OpcuaDataType): DataType {
  return DataType[t];
}

/** An integer type cannot carry a fraction: round as the device's firmware would. */
export function toVariantValue(t: OpcuaDataType, value: number | boolean): number | boolean {
  if (t === 'Boolean') return Boolean(value);
  if (t === 'Double' || t === 'Float') return Number(value);
  return Math.round(Number(value));
}

export interface PathSegment {
  readonly ns: number;
  readonly name: string;
}

/** "/2:HeatStation/2:Primary/2:SupplyPressure" → segments with their namespace index (OPC 10000-4 §A.2 relative path text). */
export function parseBrowsePath(path: string): PathSegment[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^(\d+):(.+)$/.exec(s);
      return m ? { ns: Number(m[1]), name: m[2] as string } : { ns: 0, name: s };
    });
}

/** The namespace index of a node id text "ns=2;s=…" (0 when absent). */
export function namespaceOf(nodeId: string): number {
  const m = /^ns=(\d+);/.exec(nodeId);
  return m ? Number(m[1]) : 0;
}
