import type { TelemetryBatch } from '@lifeline/twin';

/**
 * InfluxDB line protocol (docs.influxdata.com, "Line protocol reference"):
 * `measurement,tag=v field=v timestamp`. One line per reading of a telemetry
 * batch; the schema is documented in docs/influxdb.md.
 */
export const MEASUREMENT = 'reading';

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
