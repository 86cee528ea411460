import type { DeviceConfig, PointConfig, SparkplugWrite } from '@lifeline/core';
import { decodePayload, type Metric, toNumber } from './codec.js';
import { type AliasMap, pointType, REBIRTH } from './metric-map.js';

/**
 * NCMD and DCMD as decisions (Sparkplug 3.0 §6.4.12, §6.4.16), no I/O: what to
 * do, and every metric refused with its reason. A refusal never ends the
 * session (issue 20 "Bad input"): it is counted and logged by the owner.
 */
export type RejectReason = 'malformed' | 'unknown-metric' | 'wrong-datatype' | 'unknown-target' | 'not-allowed' | 'write-failed';

export interface Rejection {
  readonly reason: RejectReason;
  readonly detail: string;
}

export interface NodeCommand {
  readonly rebirth: boolean;
  readonly rejected: readonly Rejection[];
}

export interface DeviceWrite {
  readonly device: string;
  readonly point: string;
  readonly value: number | boolean;
}

export interface DeviceCommand {
  readonly writes: readonly DeviceWrite[];
  readonly rejected: readonly Rejection[];
}

const reject = (reason: RejectReason, detail: string): Rejection => ({ reason, detail });

/** NCMD: `Node Control/Rebirth` = true asks for fresh births [tck-id-operational-behavior-edge-node-rebirth]; nothing else is accepted. */
export function decideNodeCommand(bytes: Buffer): NodeCommand {
  const payload = decodePayload(bytes);
  if (typeof payload === 'string') return { rebirth: false, rejected: [reject('malformed', payload)] };
  let rebirth = false;
  const rejected: Rejection[] = [];
  for (const m of payload.metrics ?? []) {
    if (m.name !== REBIRTH) rejected.push(reject('unknown-metric', `NCMD metric "${m.name ?? `alias ${String(m.alias)}`}"`));
    else if (m.type !== 'Boolean' || typeof m.value !== 'boolean') rejected.push(reject('wrong-datatype', `${REBIRTH} must be a Boolean`));
    else if (m.value) rebirth = true;
  }
  if ((payload.metrics ?? []).length === 0) rejected.push(reject('unknown-metric', 'NCMD without metrics'));
  return { rebirth, rejected };
}

export interface DeviceCommandContext {
  readonly devices: readonly DeviceConfig[];
  readonly aliases: AliasMap;
  /** Devices with a DBIRTH in this session: a DCMD to any other is for an unknown target. */
  readonly born: ReadonlySet<string>;
  readonly writes: readonly SparkplugWrite[];
}

/**
 * DCMD: each metric names a point by name or alias; it is written only when
 * the site config allows Sparkplug writes to that point (`mqtt.sparkplug.writes`,
 * refused by default) and the value has the point's datatype.
 */
export function decideDeviceCommand(device: string, bytes: Buffer, context: DeviceCommandContext): DeviceCommand {
  const config = context.devices.find((d) => d.id === device);
  if (!config || !context.born.has(device)) return { writes: [], rejected: [reject('unknown-target', `DCMD for device "${device}"`)] };
  const payload = decodePayload(bytes);
  if (typeof payload === 'string') return { writes: [], rejected: [reject('malformed', payload)] };
  const writes: DeviceWrite[] = [];
  const rejected: Rejection[] = [];
  for (const m of payload.metrics ?? []) {
    const decided = decideMetric(config, m, context);
    if ('reason' in decided) rejected.push(decided);
    else writes.push(decided);
  }
  if ((payload.metrics ?? []).length === 0) rejected.push(reject('unknown-metric', 'DCMD without metrics'));
  return { writes, rejected };
}

function decideMetric(device: DeviceConfig, metric: Metric, context: DeviceCommandContext): DeviceWrite | Rejection {
  const point = pointOf(device, metric, context.aliases);
  if (!point) return reject('unknown-metric', `device "${device.id}" has no metric "${metric.name ?? `alias ${String(metric.alias)}`}"`);
  if (!context.writes.some((w) => w.device === device.id && w.point === point.id)) {
    return reject('not-allowed', `${device.id}/${point.id} is not listed in mqtt.sparkplug.writes`);
  }
  const value = valueFor(point, metric);
  if (value === undefined) {
    return reject('wrong-datatype', `${device.id}/${point.id} takes a ${pointType(point)}, got ${metric.type} ${String(metric.value)}`);
  }
  return { device: device.id, point: point.id, value };
}

/** By name, or by an alias of this device's points (§6.4.6: a command may use either). */
function pointOf(device: DeviceConfig, metric: Metric, aliases: AliasMap): PointConfig | undefined {
  if (metric.name) return device.points.find((p) => p.id === metric.name);
  const alias = toNumber(metric.alias);
  const found = alias === undefined ? undefined : aliases.byAlias(alias);
  return found?.device === device.id ? found.point : undefined;
}

const NUMERIC = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double']);

function valueFor(point: PointConfig, metric: Metric): number | boolean | undefined {
  if (point.dataType === 'boolean') return metric.type === 'Boolean' && typeof metric.value === 'boolean' ? metric.value : undefined;
  if (!NUMERIC.has(metric.type)) return undefined;
  const n = toNumber(metric.value);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}
