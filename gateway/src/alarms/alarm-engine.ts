import { EventEmitter } from 'node:events';
import {
  type ActionConfig,
  type Clock,
  type DeviceConfig,
  isHidden,
  type LifecycleInput,
  type LimitEffect,
  type LimitInput,
  NORMAL,
  nextLifecycle,
  PointMap,
  type Reading,
  stepLimit,
} from '@lifeline/core';
import type { Logger } from 'pino';
import type { DeviceWriter } from '../acquisition/device-writer.js';
import { gatewayError } from '../errors.js';
import { type ActionOutcome, ActionRunner } from './action-runner.js';
import type { ActiveLimit, AlarmCommandResult, AlarmControl, LimitChange, LimitChangeResult, Operator } from './alarm-control.js';
import {
  type AlarmSlot,
  type Annotation,
  clearSlotTimer,
  describe,
  newSlot,
  restore,
  SLOT_TIMERS,
  setSlotTimer,
  snapshot,
  syntheticLimit,
} from './alarm-slot.js';
import { type AlarmStateStore, type HistoryQuery, MemoryAlarmStateStore } from './alarm-state-store.js';
import type { AlarmTransition } from './alarm-transition.js';
import { alarmEventId } from './event-id.js';
import { applyLimitChange, checkLimitChanges } from './limit-changes.js';
import { machineRule, measure } from './measure.js';

export type { AlarmTransition } from './alarm-transition.js';

export interface AlarmEngineOptions {
  /** Where state and audit history persist; in memory when absent. Restored in the constructor. */
  readonly store?: AlarmStateStore;
  /** Local actions and the writer they use (DESIGN.md §5). */
  readonly actions?: readonly ActionConfig[];
  readonly writer?: DeviceWriter;
  readonly log?: Logger;
  /** Design suppression (design-suppression.ts): alarms still suppressed by design when their device's link comes back. */
  readonly keepSuppressed?: (alarmId: string) => boolean;
}

/** `transition`: every published lifecycle event; `condition`: every condition change, annunciated or hidden. */
export interface AlarmEngineEvents {
  transition: [AlarmTransition];
  condition: [alarmId: string, active: boolean];
}

const SYSTEM: Operator = { user: 'system' };

function refusal(code: 'LL_ERR_ALARM_UNKNOWN' | 'LL_ERR_ALARM_COMMAND', arg: string): AlarmCommandResult {
  return { ok: false, code, reason: gatewayError(code, arg).message };
}

/**
 * Evaluates every condition of every point on each reading, drives each
 * alarm's condition and lifecycle machines, owns the timers their delays,
 * stale checks and shelve expiries need, persists every transition, and runs
 * local actions. Emits `transition` synchronously: the alarm path never waits
 * for a batch. State is restored from the store in the constructor, so it is
 * in force before the first evaluation; `start()` re-arms timers and
 * re-asserts the actions whose conditions hold.
 */
export class AlarmEngine extends EventEmitter<AlarmEngineEvents> implements AlarmControl {
  readonly #clock: Clock;
  readonly #store: AlarmStateStore;
  readonly #byPoint = new PointMap<AlarmSlot[]>();
  readonly #byId = new Map<string, AlarmSlot>();
  /** Each device's slots in #byId order: a comm change visits its device's alarms, not every alarm of the site. */
  readonly #byDevice = new Map<string, AlarmSlot[]>();
  readonly #devices = new Map<string, DeviceConfig>();
  readonly #runner: ActionRunner;
  readonly #triggers: ReadonlySet<string>;
  readonly #keepSuppressed: (alarmId: string) => boolean;

  constructor(devices: readonly DeviceConfig[], clock: Clock, options: AlarmEngineOptions = {}) {
    super();
    this.#clock = clock;
    this.#store = options.store ?? new MemoryAlarmStateStore();
    this.#keepSuppressed = options.keepSuppressed ?? (() => false);
    const now = clock.now();
    for (const device of devices) {
      this.#devices.set(device.id, device);
      this.#add(newSlot(`${device.id}/comm/comm`, device.id, { id: 'comm', unit: '' }, syntheticLimit('comm', 2), now));
      for (const point of device.points) for (const limit of point.limits) this.#addCondition(device.id, point, limit, now);
    }
    for (const action of options.actions ?? []) {
      for (const w of [...action.do, ...action.onClear]) {
        const id = `${w.device}/${w.point}/action`;
        if (!this.#byId.has(id))
          this.#add(newSlot(id, w.device, { id: w.point, unit: '' }, syntheticLimit('action', action.priority), now));
      }
    }
    for (const saved of this.#store.loadAll()) {
      const slot = this.#byId.get(saved.alarmId);
      if (slot) restore(slot, saved);
    }
    this.#runner = new ActionRunner(options.actions ?? [], options.writer, clock, (o) => this.#onActionOutcome(o), options.log);
    this.#triggers = this.#runner.triggers;
  }

  /**
   * Publishes the events a crash left unpublished, re-arms shelve expiries and
   * stale checks, and re-asserts actions whose conditions hold after a restart.
   */
  start(): void {
    // Events saved but not known to be in the outbox when the last run ended, oldest first, ids unchanged.
    for (const pending of this.#store.unpublished()) this.emit('transition', pending);
    for (const slot of this.#byId.values()) {
      if (slot.lifecycle.shelvedUntil !== undefined) this.#armShelve(slot);
      if (slot.limit.condition === 'stale') this.#armStale(slot);
    }
    this.#runner.update((id) => this.#isActive(id));
  }

  stop(): void {
    this.#runner.stop();
    for (const slot of this.#byId.values()) {
      for (const name of SLOT_TIMERS) clearSlotTimer(this.#clock, slot, name);
    }
  }

  evaluate(reading: Reading): void {
    const slots = this.#byPoint.get(reading.device, reading.point);
    if (!slots) return;
    const at = this.#clock.now();
    const good = reading.quality !== 'bad' && reading.value !== undefined;
    for (const slot of slots) {
      if (!slot.limit.enabled) continue;
      if (good) {
        if (typeof reading.value === 'number') slot.lastValue = reading.value;
        else if (typeof reading.value === 'boolean') slot.lastValue = reading.value ? 1 : 0;
        slot.lastSourceTs = reading.sourceTs;
        slot.lastGoodAt = at;
        if (slot.limit.condition === 'stale') this.#armStale(slot);
      }
      const value = measure(slot.limit, slot.point, reading, slot.memory, at);
      if (value !== undefined) this.#apply(slot, { kind: 'sample', value, at });
    }
  }

  /** A device's link went down or came back: one comm alarm, and its other alarms suppressed meanwhile (ISA-18.2 §11.4). */
  deviceComm(device: string, online: boolean, reason?: string): void {
    const comm = this.#byId.get(`${device}/comm/comm`);
    if (!comm || comm.lifecycle.active === !online) return;
    comm.lastValue = online ? 0 : 1;
    comm.lastSourceTs = this.#clock.now();
    this.#lifecycle(comm, { kind: online ? 'condition-cleared' : 'condition-active' }, reason !== undefined ? { reason } : {});
    this.emit('condition', comm.alarmId, !online);
    for (const slot of this.#byDevice.get(device) ?? []) {
      if (slot === comm || slot.limit.condition === 'action') continue;
      if (online && this.#keepSuppressed(slot.alarmId)) continue;
      this.#lifecycle(
        slot,
        { kind: online ? 'unsuppress' : 'suppress' },
        { reason: online ? 'communication restored' : `${device} offline` },
      );
    }
  }

  ack(alarmId: string, by: Operator): AlarmCommandResult {
    return this.#command(alarmId, { kind: 'ack' }, by);
  }

  shelve(alarmId: string, durationMs: number, by: Operator): AlarmCommandResult {
    if (!Number.isFinite(durationMs) || durationMs <= 0)
      return refusal('LL_ERR_ALARM_COMMAND', `shelve duration must be a positive number of ms, got ${durationMs}`);
    const result = this.#command(alarmId, { kind: 'shelve', until: this.#clock.now() + durationMs }, by);
    const slot = this.#byId.get(alarmId);
    if (result.ok && slot) this.#armShelve(slot);
    return result;
  }

  unshelve(alarmId: string, by: Operator): AlarmCommandResult {
    const slot = this.#byId.get(alarmId);
    if (slot) clearSlotTimer(this.#clock, slot, 'shelveTimer');
    return this.#command(alarmId, { kind: 'unshelve' }, by);
  }

  /**
   * Suppression by design (ISA-18.2 §11.4.2): hidden while a related alarm is active; the caller
   * (design-suppression.ts) decides when. Never a priority-1 alarm.
   */
  suppressByDesign(alarmId: string, reason: string): AlarmCommandResult {
    if (this.#byId.get(alarmId)?.limit.priority === 1)
      return refusal('LL_ERR_ALARM_COMMAND', `${alarmId} is priority 1: never suppressed by design`);
    return this.#command(alarmId, { kind: 'suppress' }, SYSTEM, reason);
  }

  unsuppressByDesign(alarmId: string, reason: string): AlarmCommandResult {
    return this.#command(alarmId, { kind: 'unsuppress' }, SYSTEM, reason);
  }

  /** Whether an alarm's condition is active now, whatever is shown. */
  conditionActive(alarmId: string): boolean {
    return this.#isActive(alarmId);
  }

  /** Out of service (ISA-18.2 §11.4.3): hidden until returned to service, e.g. during maintenance. */
  removeFromService(alarmId: string, by: Operator): AlarmCommandResult {
    return this.#command(alarmId, { kind: 'remove-from-service' }, by);
  }

  returnToService(alarmId: string, by: Operator): AlarmCommandResult {
    return this.#command(alarmId, { kind: 'return-to-service' }, by);
  }

  applyLimits(changes: readonly LimitChange[]): LimitChangeResult {
    const reasons = checkLimitChanges(changes, this.#devices, (id) => this.#byId.get(id));
    if (reasons.length > 0) return { ok: false, reasons };
    const now = this.#clock.now();
    for (const change of changes) {
      const id = `${change.device}/${change.point}/${change.condition}`;
      let slot = this.#byId.get(id);
      if (!slot) {
        const point = this.#devices.get(change.device)?.points.find((p) => p.id === change.point);
        if (!point) continue;
        slot = this.#addCondition(change.device, point, applyLimitChange(undefined, change), now);
      } else {
        slot.limit = applyLimitChange(slot.limit, change);
        slot.rule = machineRule(slot.limit);
      }
      if (!slot.limit.enabled) this.#disable(slot);
      else if (slot.limit.condition === 'stale') this.#armStale(slot);
    }
    return { ok: true };
  }

  limits(): readonly ActiveLimit[] {
    return [...this.#byId.values()].flatMap((s): ActiveLimit[] => {
      const { condition, value, hysteresis, priority, onDelayMs, offDelayMs, enabled } = s.limit;
      if (condition === 'comm' || condition === 'action') return [];
      return [{ device: s.device, point: s.point.id, condition, value, hysteresis, priority, onDelayMs, offDelayMs, enabled }];
    });
  }

  /** Alarms not in the normal state: active, returned-unacknowledged, shelved, suppressed or out of service. */
  activeAlarms(): AlarmTransition[] {
    return [...this.#byId.values()].flatMap((s) => (s.lastTransition && s.lastTransition.state !== 'normal' ? [s.lastTransition] : []));
  }

  /** The audit trail of transitions, newest first. */
  history(query?: HistoryQuery): AlarmTransition[] {
    return this.#store.history(query);
  }

  /** Actions whose trigger holds now. */
  actionsHolding(): string[] {
    return this.#runner.holding();
  }

  #add(slot: AlarmSlot): AlarmSlot {
    this.#byId.set(slot.alarmId, slot);
    const ofDevice = this.#byDevice.get(slot.device);
    if (ofDevice) ofDevice.push(slot);
    else this.#byDevice.set(slot.device, [slot]);
    const { device } = slot;
    const point = slot.point.id;
    if (slot.limit.condition !== 'comm' && slot.limit.condition !== 'action')
      this.#byPoint.set(device, point, [...(this.#byPoint.get(device, point) ?? []), slot]);
    return slot;
  }

  #addCondition(device: string, point: DeviceConfig['points'][number], limit: Parameters<typeof newSlot>[3], now: number): AlarmSlot {
    // Joined, not a template: a template of this length is a tree of cons strings (four 32-byte nodes and the
    // parts, for each of 100k alarms), a join one flat string.
    return this.#add(newSlot([device, point.id, limit.condition].join('/'), device, point, limit, now));
  }

  #command(alarmId: string, input: LifecycleInput, by: Operator, reason?: string): AlarmCommandResult {
    const slot = this.#byId.get(alarmId);
    if (!slot) return refusal('LL_ERR_ALARM_UNKNOWN', alarmId);
    const rejected = this.#lifecycle(slot, input, reason === undefined ? { by } : { by, reason });
    if (rejected !== undefined) return refusal('LL_ERR_ALARM_COMMAND', `${alarmId}: ${rejected}`);
    return { ok: true, alarmId, state: slot.lastTransition?.state ?? 'normal' };
  }

  #apply(slot: AlarmSlot, input: LimitInput): void {
    const step = stepLimit(slot.rule, slot.condition, input);
    slot.condition = step.state;
    for (const effect of step.effects) this.#perform(slot, effect);
  }

  #perform(slot: AlarmSlot, effect: LimitEffect): void {
    switch (effect.kind) {
      case 'schedule':
        setSlotTimer(this.#clock, slot, 'timer', effect.at, () => this.#apply(slot, { kind: 'tick', at: this.#clock.now() }));
        return;
      case 'cancel':
        clearSlotTimer(this.#clock, slot, 'timer');
        return;
      case 'raise':
      case 'clear':
        this.#lifecycle(slot, { kind: effect.kind === 'raise' ? 'condition-active' : 'condition-cleared' });
        this.emit('condition', slot.alarmId, effect.kind === 'raise');
        if (this.#triggers.has(slot.alarmId)) this.#runner.update((id) => this.#isActive(id));
        return;
    }
  }

  /** Steps the lifecycle, persists, and publishes when the step says so; returns why a command was refused. */
  #lifecycle(slot: AlarmSlot, input: LifecycleInput, note: Annotation = {}): string | undefined {
    const step = nextLifecycle(slot.lifecycle, input);
    if (step.rejected !== undefined) return step.rejected;
    slot.lifecycle = step.next;
    if (!step.publish) {
      this.#store.save(snapshot(slot));
      return undefined;
    }
    slot.transitions += 1;
    const eventId = alarmEventId(slot.alarmId, slot.transitions, this.#store.journalId);
    const transition = describe(slot, step.publish, eventId, this.#clock.now(), note);
    slot.lastTransition = transition;
    // Persist, then publish (issue 18, finding 7): the event is saved pending, with its id, in the state
    // change's transaction; one that a crash kept from the outbox is published by the next start() under
    // the same id, so a centre recognises the copy instead of seeing a new raise.
    this.#store.save(snapshot(slot), transition);
    this.emit('transition', transition);
    return undefined;
  }

  #isActive(alarmId: string): boolean {
    return this.#byId.get(alarmId)?.lifecycle.active ?? false;
  }

  #onActionOutcome(outcome: ActionOutcome): void {
    const slot = this.#byId.get(`${outcome.write.device}/${outcome.write.point}/action`);
    if (!slot || slot.lifecycle.active === !outcome.ok) return;
    slot.lastValue = outcome.ok ? 0 : 1;
    slot.lastSourceTs = this.#clock.now();
    const reason = outcome.ok ? `action ${outcome.action.id} wrote its output` : (outcome.reason ?? `action ${outcome.action.id} failed`);
    this.#lifecycle(slot, { kind: outcome.ok ? 'condition-cleared' : 'condition-active' }, { reason });
  }

  #armStale(slot: AlarmSlot): void {
    setSlotTimer(this.#clock, slot, 'staleTimer', slot.lastGoodAt + slot.limit.value, () => {
      const at = this.#clock.now();
      if (slot.limit.enabled) this.#apply(slot, { kind: 'sample', value: at - slot.lastGoodAt, at });
    });
  }

  #armShelve(slot: AlarmSlot): void {
    const until = slot.lifecycle.shelvedUntil;
    if (until === undefined) clearSlotTimer(this.#clock, slot, 'shelveTimer');
    else
      setSlotTimer(this.#clock, slot, 'shelveTimer', until, () =>
        this.#lifecycle(slot, { kind: 'unshelve' }, { by: SYSTEM, reason: 'shelve expired' }),
      );
  }

  /** A disabled condition stops alarming: an active alarm clears and its timers stop. */
  #disable(slot: AlarmSlot): void {
    clearSlotTimer(this.#clock, slot, 'timer');
    clearSlotTimer(this.#clock, slot, 'staleTimer');
    slot.condition = NORMAL;
    if (slot.lifecycle.active || (!isHidden(slot.lifecycle) && slot.lifecycle.alarm !== 'normal')) {
      this.#lifecycle(slot, { kind: 'condition-cleared' }, { reason: 'condition disabled' });
    }
  }
}
