import type { LimitConfig, LimitRule, PointConfig, Reading } from '@lifeline/core';
import type { AlarmCondition } from '@lifeline/twin';

/**
 * Turns a reading into the number a condition's state machine compares with
 * its value. Limits compare the value itself; rate of change, digital state,
 * sensor fault and flat-line derive a measure, so one debounce machine
 * (limit-condition.ts) serves every kind. Stale data is measured by the
 * engine's timer (age of the last good reading).
 */
/** A limit of any alarm condition, as the engine holds it; flood and chatter belong to the analytics (gateway/src/analytics/). */
export type ConditionLimit = Omit<LimitConfig, 'condition'> & { readonly condition: Exclude<AlarmCondition, 'flood' | 'chatter'> };

export interface MeasureMemory {
  prevValue?: number;
  prevAt?: number;
  flatValue?: number;
  flatSince?: number;
}

/**
 * The memory of a condition that keeps none (every kind but rate of change
 * and flat-line): one frozen object shared by all, not an empty one per
 * alarm (issue 19: 5 MB at 100k limits). Frozen, so a write is a TypeError.
 */
const NO_MEMORY: MeasureMemory = Object.freeze({});

/** A fresh memory for a condition that derives its measure from earlier samples, else the shared empty one. */
export function memoryFor(condition: ConditionLimit['condition']): MeasureMemory {
  return condition === 'roc' || condition === 'flatline' ? {} : NO_MEMORY;
}

/** The rule the state machine runs for a condition: derived measures alarm at ≥ their threshold, with no band. */
export function machineRule(limit: ConditionLimit): LimitRule {
  switch (limit.condition) {
    case 'state':
    case 'fault':
      return { ...limit, value: 1, hysteresis: 0 };
    case 'stale':
    case 'flatline':
      return { ...limit, hysteresis: 0 };
    default:
      return limit;
  }
}

/** The measure of one reading for one condition, or undefined when the reading says nothing about it. */
export function measure(
  limit: ConditionLimit,
  point: Pick<PointConfig, 'range'>,
  reading: Reading,
  memory: MeasureMemory,
  at: number,
): number | undefined {
  const value = reading.value;
  if (limit.condition === 'fault') return isFault(limit, point, reading) ? 1 : 0;
  if (reading.quality === 'bad' || value === undefined) return undefined;
  switch (limit.condition) {
    case 'state':
      return Boolean(value) === (limit.value === 1) ? 1 : 0;
    case 'stale':
      return 0;
    case 'roc':
      return typeof value === 'number' ? rateOfChange(value, reading.sourceTs, memory) : undefined;
    case 'flatline':
      return typeof value === 'number' ? unchangedFor(value, limit.hysteresis, at, memory) : undefined;
    default:
      return typeof value === 'number' ? value : undefined;
  }
}

/**
 * Sensor fault: the device flagged the value bad, or it lies outside the
 * point's range by more than `value` % of the span — for a 4–20 mA loop,
 * NAMUR NE 43 calls a signal below 3.8 mA or above 20.5 mA a failure
 * (1.25 % / 3.125 % of span beyond the range). A bad reading without a value
 * is a communication problem: the device's comm alarm reports it instead.
 */
function isFault(limit: ConditionLimit, point: Pick<PointConfig, 'range'>, reading: Reading): boolean {
  if (reading.value === undefined || typeof reading.value !== 'number') return false;
  if (reading.quality === 'bad') return true;
  if (!point.range) return false;
  const margin = ((point.range.max - point.range.min) * limit.value) / 100;
  return reading.value < point.range.min - margin || reading.value > point.range.max + margin;
}

/** |Δvalue| per second between consecutive samples, by their source times. */
function rateOfChange(value: number, ts: number, memory: MeasureMemory): number | undefined {
  const { prevValue, prevAt } = memory;
  memory.prevValue = value;
  memory.prevAt = ts;
  if (prevValue === undefined || prevAt === undefined || ts <= prevAt) return undefined;
  return (Math.abs(value - prevValue) * 1000) / (ts - prevAt);
}

/** How long (ms) the value has stayed within ±band of where it last moved to: a stuck transmitter. */
function unchangedFor(value: number, band: number, at: number, memory: MeasureMemory): number {
  if (memory.flatValue === undefined || memory.flatSince === undefined || Math.abs(value - memory.flatValue) > band) {
    memory.flatValue = value;
    memory.flatSince = at;
  }
  return at - memory.flatSince;
}
