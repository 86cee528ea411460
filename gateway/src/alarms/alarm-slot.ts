import {
  type Clock,
  displayedState,
  type Lifecycle,
  type LimitRule,
  type LimitState,
  NORMAL,
  NORMAL_LIFECYCLE,
  type PointConfig,
  type TimerHandle,
} from '@lifeline/core';
import { colourOf } from '@lifeline/twin';
import type { Operator } from './alarm-control.js';
import type { PersistedAlarm } from './alarm-state-store.js';
import type { AlarmTransition } from './alarm-transition.js';
import { type ConditionLimit, type MeasureMemory, machineRule, memoryFor } from './measure.js';

/** One alarm the engine tracks: a condition of a point, a device's comm alarm, or an output's action alarm. */
export interface AlarmSlot {
  readonly alarmId: string;
  readonly device: string;
  readonly point: Pick<PointConfig, 'id' | 'unit'> & Partial<PointConfig>;
  limit: ConditionLimit & { readonly enabled: boolean };
  rule: LimitRule;
  condition: LimitState;
  lifecycle: Lifecycle;
  memory: MeasureMemory;
  timer: TimerHandle | undefined;
  staleTimer: TimerHandle | undefined;
  shelveTimer: TimerHandle | undefined;
  lastValue: number;
  lastSourceTs: number;
  lastGoodAt: number;
  lastTransition: AlarmTransition | undefined;
  /** Lifecycle events published so far, persisted: the `n` of the next event's id (event-id.ts). */
  transitions: number;
}

/**
 * The enabled form and machine rule of a configured limit, made once per limit object: the devices of one
 * profile share its limits, so 910 gas detectors share 8 instead of holding 7,280 copies of each.
 * Both are replaced, never mutated, when a limit changes (applyLimits).
 */
const shared = new WeakMap<ConditionLimit, { readonly limit: AlarmSlot['limit']; readonly rule: LimitRule }>();

function sharedLimit(limit: ConditionLimit): { readonly limit: AlarmSlot['limit']; readonly rule: LimitRule } {
  let entry = shared.get(limit);
  if (!entry) {
    entry = { limit: { ...limit, enabled: true }, rule: machineRule(limit) };
    shared.set(limit, entry);
  }
  return entry;
}

export function newSlot(alarmId: string, device: string, point: AlarmSlot['point'], limit: ConditionLimit, now: number): AlarmSlot {
  const { limit: enabled, rule } = sharedLimit(limit);
  return {
    alarmId,
    device,
    point,
    limit: enabled,
    rule,
    condition: NORMAL,
    lifecycle: NORMAL_LIFECYCLE,
    memory: memoryFor(limit.condition),
    timer: undefined,
    staleTimer: undefined,
    shelveTimer: undefined,
    lastValue: 0,
    lastSourceTs: now,
    lastGoodAt: now,
    lastTransition: undefined,
    transitions: 0,
  };
}

/** The limit of a comm or action alarm: priority only; they have no set-point. */
export function syntheticLimit(condition: 'comm' | 'action', priority: 1 | 2 | 3 | 4): ConditionLimit {
  const key = `${condition}/${priority}`;
  let limit = synthetic.get(key);
  if (!limit) {
    limit = { condition, value: 1, hysteresis: 0, priority, onDelayMs: 0, offDelayMs: 0, onSamples: 1, offSamples: 1 };
    synthetic.set(key, limit);
  }
  return limit;
}

/** One limit object per kind and priority, so every device's comm alarm shares one (sharedLimit below). */
const synthetic = new Map<string, ConditionLimit>();

export interface Annotation {
  readonly by?: Operator;
  readonly reason?: string;
}

export function describe(
  slot: AlarmSlot,
  event: AlarmTransition['event'],
  eventId: string,
  now: number,
  note: Annotation = {},
): AlarmTransition {
  const { shelvedUntil } = slot.lifecycle;
  return {
    event,
    alarmId: slot.alarmId,
    eventId,
    device: slot.device,
    point: slot.point.id,
    condition: slot.limit.condition,
    priority: slot.limit.priority,
    colour: colourOf(slot.limit.priority),
    state: displayedState(slot.lifecycle),
    value: Number.isFinite(slot.lastValue) ? slot.lastValue : 0,
    limit: slot.limit.value,
    hysteresis: slot.limit.hysteresis,
    unit: slot.point.unit,
    sourceTs: new Date(slot.lastSourceTs).toISOString(),
    detectedAt: new Date(now).toISOString(),
    ...(note.by ? { user: note.by.user, ...(note.by.comment !== undefined ? { comment: note.by.comment } : {}) } : {}),
    ...(shelvedUntil !== undefined && event === 'shelve' ? { shelvedUntil: new Date(shelvedUntil).toISOString() } : {}),
    ...(note.reason !== undefined ? { reason: note.reason } : {}),
  };
}

export function snapshot(slot: AlarmSlot): PersistedAlarm {
  return {
    alarmId: slot.alarmId,
    conditionActive: slot.condition.kind === 'active' || slot.condition.kind === 'pending-clear',
    lifecycle: slot.lifecycle,
    lastValue: slot.lastValue,
    lastSourceTs: slot.lastSourceTs,
    transitions: slot.transitions,
    ...(slot.lastTransition ? { lastTransition: slot.lastTransition } : {}),
  };
}

/** Restores a saved alarm: its condition as active or normal (pending delays start afresh) and its lifecycle. */
export function restore(slot: AlarmSlot, saved: PersistedAlarm): void {
  slot.condition = saved.conditionActive ? { kind: 'active' } : NORMAL;
  slot.lifecycle = saved.lifecycle;
  slot.lastValue = saved.lastValue;
  slot.lastSourceTs = saved.lastSourceTs;
  slot.lastTransition = saved.lastTransition;
  // Rows saved before event ids existed have no count; their events carried no id to collide with.
  slot.transitions = saved.transitions ?? 0;
}

export type SlotTimer = 'timer' | 'staleTimer' | 'shelveTimer';
export const SLOT_TIMERS: readonly SlotTimer[] = ['timer', 'staleTimer', 'shelveTimer'];

/** (Re)arms one of a slot's timers to fire at `at` (ms since epoch, by the clock); the engine owns the clock. */
export function setSlotTimer(clock: Clock, slot: AlarmSlot, name: SlotTimer, at: number, fire: () => void): void {
  clearSlotTimer(clock, slot, name);
  slot[name] = clock.setTimeout(
    () => {
      slot[name] = undefined;
      fire();
    },
    Math.max(0, at - clock.now()),
  );
}

export function clearSlotTimer(clock: Clock, slot: AlarmSlot, name: SlotTimer): void {
  const handle = slot[name];
  if (handle !== undefined) clock.clearTimeout(handle);
  slot[name] = undefined;
}
