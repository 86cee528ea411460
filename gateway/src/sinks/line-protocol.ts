import type { AlarmEvent, TelemetryBatch } from '@lifeline/twin';

/**
 * InfluxDB line protocol (docs.influxdata.com, "Line protocol reference"):
 * `measurement,tag=v field=v timestamp`. One line per reading of a telemetry
 * batch and one per alarm event; the schema is documented in docs/influxdb.md.
 */
export const MEASUREMENT = 'reading';
/** Alarm lifecycle events, for Grafana's alarm timeline and annotations. */
export const ALARM_MEASUREMENT = 'alarm';

export interface LineIdentity {
  readonly site: string;
  readonly gateway: string;
}

/** Tag keys and values escape commas, equals signs and spaces. */
function escapeTag(s: string): string {
  return s.replace(/[,= \\]/g, (c) => `\\${c}`);
}

/** String field values are double-quoted; quotes and backslashes escaped. */
function quoteField(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function batchToLines(batch: TelemetryBatch, id: LineIdentity): string[] {
  const lines: string[] = [];
  for (const r of batch.readings) {
    const tags = [
      `site=${escapeTag(id.site)}`,
      `gateway=${escapeTag(id.gateway)}`,
      `device=${escapeTag(r.device)}`,
      `point=${escapeTag(r.point)}`,
      ...(r.unit ? [`unit=${escapeTag(r.unit)}`] : []),
    ].join(',');
    const fields = [`quality=${quoteField(r.quality)}`];
    // Booleans are stored as 0/1 so one `value` field keeps a single type per series.
    if (typeof r.value === 'number' && Number.isFinite(r.value)) fields.unshift(`value=${r.value}`);
    else if (typeof r.value === 'boolean') fields.unshift(`value=${r.value ? 1 : 0}`);
    lines.push(`${MEASUREMENT},${tags} ${fields.join(',')} ${Date.parse(r.sourceTs)}`);
  }
  return lines;
}

/**
 * One line per alarm event at `detectedAt`. Tags are what a timeline groups
 * by; `seq` makes two events of one alarm in the same millisecond distinct
 * fields rather than silently one point.
 */
export function alarmToLine(e: AlarmEvent, id: LineIdentity): string {
  const tags = [
    `site=${escapeTag(id.site)}`,
    `gateway=${escapeTag(id.gateway)}`,
    `device=${escapeTag(e.device)}`,
    `point=${escapeTag(e.point)}`,
    `condition=${escapeTag(e.condition)}`,
    `priority=${e.priority}`,
  ].join(',');
  const fields = [
    `event=${quoteField(e.event)}`,
    `state=${quoteField(e.state)}`,
    ...(Number.isFinite(e.value) ? [`value=${e.value}`] : []),
    ...(Number.isFinite(e.limit) ? [`limit=${e.limit}`] : []),
    `seq=${e.seq}i`,
    ...(e.user ? [`user=${quoteField(e.user)}`] : []),
    ...(e.reason ? [`reason=${quoteField(e.reason)}`] : []),
  ].join(',');
  return `${ALARM_MEASUREMENT},${tags} ${fields} ${Date.parse(e.detectedAt)}`;
}
