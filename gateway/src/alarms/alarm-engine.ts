import { EventEmitter } from 'node:events';
import { type AlarmEvent, type AlarmState, colourOf } from '@lifeline/twin';
import type { Reading } from '../acquisition/reading.js';
import type { DeviceConfig, LimitConfig, PointConfig } from '../config/index.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { type LifecycleInput, nextLifecycle } from './lifecycle.js';
import { type LimitEffect, type LimitInput, type LimitState, NORMAL, stepLimit } from './limit-condition.js';

/** An alarm event as the engine decides it; the publisher adds seq, bootId, site and publishedAt. */
export type AlarmTransition = Omit<AlarmEvent, 'publishedAt' | 'seq' | 'bootId' | 'site' | 'gateway'>;

interface AlarmSlot {
  readonly alarmId: string;
  readonly device: string;
  readonly point: PointConfig;
  readonly limit: LimitConfig;
  condition: LimitState;
  lifecycle: AlarmState;
  timer: TimerHandle | undefined;
  lastValue: number;
  lastSourceTs: number;
  /** The last transition published, which is what the active-alarm list shows. */
  lastTransition: AlarmTransition | undefined;
}

/**
 * Evaluates every limit of every point on each reading, drives each alarm's
 * condition and lifecycle machines, and owns the timers their delays need.
 * Emits `transition` synchronously: the alarm path never waits for a batch.
 */
export class AlarmEngine extends EventEmitter<{ transition: [AlarmTransition] }> {
  readonly #clock: Clock;
  readonly #byPoint = new Map<string, AlarmSlot[]>();

  constructor(devices: readonly DeviceConfig[], clock: Clock) {
    super();
    this.#clock = clock;
    for (const device of devices) {
      for (const point of device.points) {
        if (point.limits.length === 0) continue;
        this.#byPoint.set(
          pointKey(device.id, point.id),
          point.limits.map((limit) => newSlot(device.id, point, limit)),
        );
      }
    }
  }

  evaluate(reading: Reading): void {
    const slots = this.#byPoint.get(pointKey(reading.device, reading.point));
    if (!slots || reading.quality === 'bad' || typeof reading.value !== 'number') return;
    const at = this.#clock.now();
    for (const slot of slots) {
      slot.lastValue = reading.value;
      slot.lastSourceTs = reading.sourceTs;
      this.#apply(slot, { kind: 'sample', value: reading.value, at });
    }
  }

  /** Alarms not in the normal state: active, or returned and still unacknowledged. */
  activeAlarms(): AlarmTransition[] {
    return [...this.#byPoint.values()].flat().flatMap((s) => (s.lifecycle !== 'normal' && s.lastTransition ? [s.lastTransition] : []));
  }

  stop(): void {
    for (const slot of [...this.#byPoint.values()].flat()) this.#cancel(slot);
  }

  #apply(slot: AlarmSlot, input: LimitInput): void {
    const step = stepLimit(slot.limit, slot.condition, input);
    slot.condition = step.state;
    for (const effect of step.effects) this.#perform(slot, effect);
  }

  #perform(slot: AlarmSlot, effect: LimitEffect): void {
    switch (effect.kind) {
      case 'schedule':
        this.#cancel(slot);
        slot.timer = this.#clock.setTimeout(
          () => {
            slot.timer = undefined;
            this.#apply(slot, { kind: 'tick', at: this.#clock.now() });
          },
          Math.max(0, effect.at - this.#clock.now()),
        );
        return;
      case 'cancel':
        this.#cancel(slot);
        return;
      case 'raise':
        this.#transition(slot, 'condition-active', 'raise');
        return;
      case 'clear':
        this.#transition(slot, 'condition-cleared', 'clear');
        return;
    }
  }

  #transition(slot: AlarmSlot, input: LifecycleInput, event: 'raise' | 'clear'): void {
    slot.lifecycle = nextLifecycle(slot.lifecycle, input);
    slot.lastTransition = describe(slot, event, this.#clock.now());
    this.emit('transition', slot.lastTransition);
  }

  #cancel(slot: AlarmSlot): void {
    if (slot.timer !== undefined) this.#clock.clearTimeout(slot.timer);
    slot.timer = undefined;
  }
}

function newSlot(device: string, point: PointConfig, limit: LimitConfig): AlarmSlot {
  return {
    alarmId: `${device}/${point.id}/${limit.condition}`,
    device,
    point,
    limit,
    condition: NORMAL,
    lifecycle: 'normal',
    timer: undefined,
    lastValue: Number.NaN,
    lastSourceTs: 0,
    lastTransition: undefined,
  };
}

function describe(slot: AlarmSlot, event: 'raise' | 'clear', now: number): AlarmTransition {
  return {
    event,
    alarmId: slot.alarmId,
    device: slot.device,
    point: slot.point.id,
    condition: slot.limit.condition,
    priority: slot.limit.priority,
    colour: colourOf(slot.limit.priority),
    state: slot.lifecycle,
    value: slot.lastValue,
    limit: slot.limit.value,
    hysteresis: slot.limit.hysteresis,
    unit: slot.point.unit,
    sourceTs: new Date(slot.lastSourceTs).toISOString(),
    detectedAt: new Date(now).toISOString(),
  };
}

function pointKey(device: string, point: string): string {
  return `${device}\u0000${point}`;
}
