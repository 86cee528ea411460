import type { DeviceConfig, PointConfig, Reading } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import type { Metric, UPayload } from './codec.js';
import { ALARM_FIELDS, type AlarmField, type AliasMap, alarmMetricName, BDSEQ, pointType, QUALITY_CODE, REBIRTH } from './metric-map.js';

/** What a birth shows of an alarm: its current state (normal when it is not active). */
export type AlarmSnapshot = Pick<AlarmEvent, 'alarmId' | 'state' | 'priority' | 'value' | 'limit'>;

export interface NodeIdentity {
  readonly bootId: string;
  readonly version: string;
}

/**
 * NBIRTH (Sparkplug 3.0 §6.4.18): seq 0, the session's bdSeq
 * [tck-id-payloads-nbirth-bdseq], `Node Control/Rebirth` = false
 * [tck-id-payloads-nbirth-rebirth-req], every node metric with name, alias and
 * datatype: the alarms this node knows, each with its current fields.
 */
export function nodeBirth(
  bdSeq: number,
  aliases: AliasMap,
  alarms: readonly AlarmSnapshot[],
  identity: NodeIdentity,
  now: number,
): UPayload {
  const current = new Map(alarms.map((a) => [a.alarmId, a]));
  const alarmMetrics = aliases.alarmIds.flatMap((id) => alarmBirthMetrics(id, current.get(id), aliases, now));
  return {
    timestamp: now,
    seq: 0,
    metrics: [
      { name: BDSEQ, type: 'Int64', value: bdSeq, timestamp: now },
      { name: REBIRTH, type: 'Boolean', value: false, timestamp: now },
      { name: 'Properties/Software Version', type: 'String', value: identity.version, timestamp: now },
      { name: 'Properties/Boot Id', type: 'String', value: identity.bootId, timestamp: now },
      ...alarmMetrics,
    ],
  };
}

/** NDEATH (§6.4.19): the Will, the bdSeq metric only, no seq [tck-id-payloads-ndeath-seq]. */
export function nodeDeath(bdSeq: number, now: number): UPayload {
  return { timestamp: now, metrics: [{ name: BDSEQ, type: 'Int64', value: bdSeq }] };
}

/**
 * DBIRTH (§6.4.20): every point of the device as a metric with its current
 * value (null before its first reading), the value's source time, and as
 * properties its engineering unit, range and quality.
 */
export function deviceBirth(
  device: DeviceConfig,
  seq: number,
  aliases: AliasMap,
  latest: (point: string) => Reading | undefined,
  now: number,
): UPayload {
  return {
    timestamp: now,
    seq,
    metrics: device.points.map((p) => pointBirthMetric(device.id, p, latest(p.id), aliases, now)),
  };
}

/** DDEATH (§6.4.23): the device is gone until its next DBIRTH. */
export function deviceDeath(seq: number, now: number): UPayload {
  return { timestamp: now, seq };
}

function pointBirthMetric(device: string, point: PointConfig, reading: Reading | undefined, aliases: AliasMap, now: number): Metric {
  const quality = reading?.quality ?? 'bad';
  return {
    name: point.id,
    alias: aliases.point(device, point.id) as number,
    type: pointType(point),
    value: reading?.value ?? null,
    timestamp: reading?.sourceTs ?? now,
    properties: {
      engUnit: { type: 'String', value: point.unit },
      ...(point.range ? { engLow: { type: 'Double', value: point.range.min }, engHigh: { type: 'Double', value: point.range.max } } : {}),
      Quality: { type: 'Int32', value: QUALITY_CODE[quality] },
      writable: { type: 'Boolean', value: point.writable },
    },
  };
}

function alarmBirthMetrics(alarmId: string, alarm: AlarmSnapshot | undefined, aliases: AliasMap, now: number): Metric[] {
  return (Object.keys(ALARM_FIELDS) as AlarmField[]).map((field) => ({
    name: alarmMetricName(alarmId, field),
    alias: aliases.alarm(alarmId, field) as number,
    ...alarmValue(field, alarm),
    timestamp: now,
  }));
}

/** One alarm field as a metric value; a field an inactive alarm lacks is null. */
export function alarmValue(field: AlarmField, alarm: AlarmSnapshot | undefined): Pick<Metric, 'type' | 'value'> {
  const type = ALARM_FIELDS[field];
  if (field === 'State') return { type, value: alarm?.state ?? 'normal' };
  if (!alarm) return { type, value: null };
  return { type, value: field === 'Priority' ? alarm.priority : field === 'Value' ? alarm.value : alarm.limit };
}
