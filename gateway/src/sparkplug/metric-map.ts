import type { DeviceConfig, PointConfig, Quality } from '@lifeline/core';
import type { TypeStr } from './codec.js';

/**
 * Which metric stands for what (docs/sparkplug.md "Mapping"): a device's
 * points are its DBIRTH metrics, named by point id; alarms are node metrics
 * `Alarms/{alarmId}/{field}`. Every metric but the node's own control metrics
 * gets an alias unique within the edge node [tck-id-payloads-alias-uniqueness],
 * so NDATA/DDATA carry aliases only (§6.4.6).
 */
export const REBIRTH = 'Node Control/Rebirth';
export const BDSEQ = 'bdSeq';

/** The alarm fields a host sees per alarm id, and their Sparkplug datatypes. */
export const ALARM_FIELDS = { State: 'String', Priority: 'Int32', Value: 'Double', Limit: 'Double' } as const satisfies Record<
  string,
  TypeStr
>;
export type AlarmField = keyof typeof ALARM_FIELDS;

/**
 * Quality as the `Quality` property (Int32) of a metric, with the OPC codes
 * Ignition and other Sparkplug hosts read: 192 good, 64 uncertain, 0 bad.
 */
export const QUALITY_CODE: Readonly<Record<Quality, number>> = { good: 192, uncertain: 64, bad: 0 };

/** A point's Sparkplug datatype: Boolean for digital points, Double for every number (scaled engineering values). */
export function pointType(point: PointConfig): TypeStr {
  return point.dataType === 'boolean' ? 'Boolean' : 'Double';
}

export class AliasMap {
  readonly #points = new Map<string, number>();
  readonly #byAlias = new Map<number, { device: string; point: PointConfig }>();
  readonly #alarms = new Map<string, number>();
  #next = 1;

  constructor(devices: readonly DeviceConfig[]) {
    for (const d of devices) {
      for (const p of d.points) {
        const alias = this.#next++;
        this.#points.set(key(d.id, p.id), alias);
        this.#byAlias.set(alias, { device: d.id, point: p });
      }
    }
  }

  point(device: string, point: string): number | undefined {
    return this.#points.get(key(device, point));
  }

  /** The point an alias names (a DCMD by alias). */
  byAlias(alias: number): { device: string; point: PointConfig } | undefined {
    return this.#byAlias.get(alias);
  }

  /** The first alias of an alarm's four fields; undefined until `addAlarm`. */
  alarm(alarmId: string, field: AlarmField): number | undefined {
    const base = this.#alarms.get(alarmId);
    return base === undefined ? undefined : base + Object.keys(ALARM_FIELDS).indexOf(field);
  }

  /** Registers an alarm id; true if it was new (so a new NBIRTH must declare it). */
  addAlarm(alarmId: string): boolean {
    if (this.#alarms.has(alarmId)) return false;
    this.#alarms.set(alarmId, this.#next);
    this.#next += Object.keys(ALARM_FIELDS).length;
    return true;
  }

  get alarmIds(): readonly string[] {
    return [...this.#alarms.keys()];
  }
}

function key(device: string, point: string): string {
  return `${device}\u0000${point}`;
}

export function alarmMetricName(alarmId: string, field: AlarmField): string {
  return `Alarms/${alarmId}/${field}`;
}
