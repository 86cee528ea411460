import type { AlarmEvent, TelemetryBatch } from '@lifeline/twin';
import { alarmValue } from './birth-builder.js';
import type { Metric } from './codec.js';
import { ALARM_FIELDS, type AlarmField, type AliasMap, pointType, QUALITY_CODE } from './metric-map.js';

/**
 * DDATA and NDATA metrics (Sparkplug 3.0 §6.4.9): by alias only, with the
 * reading's source time as the metric timestamp, `is_historical` on a replay
 * from the outbox (§6.4.10: store and forward).
 */

/** A telemetry batch as metrics per device, in the batch's order; readings of unknown points are left out (and counted by the caller). */
export function deviceData(
  batch: TelemetryBatch,
  aliases: AliasMap,
  historical: boolean,
): { perDevice: Map<string, Metric[]>; unknown: number } {
  const perDevice = new Map<string, Metric[]>();
  let unknown = 0;
  for (const r of batch.readings) {
    const alias = aliases.point(r.device, r.point);
    const known = alias === undefined ? undefined : aliases.byAlias(alias);
    if (alias === undefined || !known) {
      unknown++;
      continue;
    }
    const list = perDevice.get(r.device) ?? [];
    list.push({
      alias,
      type: pointType(known.point),
      value: r.value,
      timestamp: Date.parse(r.sourceTs),
      ...(historical ? { isHistorical: true } : {}),
      // A change of quality travels with the value (§6.4.7 property sets in DATA messages).
      properties: { Quality: { type: 'Int32', value: QUALITY_CODE[r.quality] } },
    });
    perDevice.set(r.device, list);
  }
  return { perDevice, unknown };
}

/** An alarm event as the NDATA metrics of its four fields, timed at the sample that caused it. */
export function alarmData(event: AlarmEvent, aliases: AliasMap, historical: boolean): Metric[] {
  const timestamp = Date.parse(event.sourceTs);
  return (Object.keys(ALARM_FIELDS) as AlarmField[]).map((field) => ({
    alias: aliases.alarm(event.alarmId, field) as number,
    ...alarmValue(field, event),
    timestamp,
    ...(historical ? { isHistorical: true } : {}),
  }));
}
