import { randomUUID } from 'node:crypto';
import type {
  AlarmCondition,
  AlarmEvent,
  AlarmState,
  Clock,
  Lifecycle,
  LifelineApi,
  LimitInput,
  LimitState,
  Priority,
  TimerHandle,
} from './lifeline-api.js';

/** One limit as the alarm node is configured: the gateway's limit rule plus what an event reports. */
export interface AlarmRule {
  readonly condition: AlarmCondition;
  readonly value: number;
  readonly hysteresis: number;
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly priority: Priority;
  readonly unit: string;
}

/** An alarms-topic event without site and gateway, which a standalone node does not have. */
export type NodeAlarmEvent = Omit<AlarmEvent, 'site' | 'gateway'>;

interface Slot {
  readonly device: string;
  readonly point: string;
  condition: LimitState;
  lifecycle: AlarmState;
  /** The full ISA-18.2 state behind `lifecycle` (what is shown). */
  lc: Lifecycle;
  timer: TimerHandle | undefined;
  lastValue: number;
  lastSourceTs: number;
}

/**
 * The gateway's limit condition (`stepLimit`: hysteresis, on/off delay) and
 * ISA-18.2 lifecycle (`nextLifecycle`) driven per device/point, as the
 * gateway's engine drives them per point. This owner holds the timers the
 * delays ask for and clears them in `stop()`.
 */
export class AlarmEvaluator {
  readonly #api: LifelineApi;
  readonly #rule: AlarmRule;
  readonly #clock: Clock;
  readonly #emit: (event: NodeAlarmEvent) => void;
  readonly #slots = new Map<string, Slot>();
  readonly #bootId = randomUUID();
  #seq = 0;

  constructor(api: LifelineApi, rule: AlarmRule, clock: Clock, emit: (event: NodeAlarmEvent) => void) {
    this.#api = api;
    this.#rule = rule;
    this.#clock = clock;
    this.#emit = emit;
  }

  alarmId(device: string, point: string): string {
    return `${device}/${point}/${this.#rule.condition}`;
  }

  sample(device: string, point: string, value: number, sourceTs: number): void {
    const slot = this.#slot(device, point);
    slot.lastValue = value;
    slot.lastSourceTs = sourceTs;
    this.#apply(slot, { kind: 'sample', value, at: this.#clock.now() });
  }

  /** Acknowledges the alarm of device/point; returns false when there is nothing to acknowledge. */
  ack(device: string, point: string): boolean {
    const slot = this.#slots.get(this.alarmId(device, point));
    if (!slot || (slot.lifecycle !== 'unacknowledged' && slot.lifecycle !== 'returned-unacknowledged')) return false;
    this.#transition(slot, 'ack', 'ack');
    return true;
  }

  /** Alarms not in the normal state, by id. */
  active(): Record<string, AlarmState> {
    return Object.fromEntries([...this.#slots].filter(([, s]) => s.lifecycle !== 'normal').map(([id, s]) => [id, s.lifecycle]));
  }

  stop(): void {
    for (const slot of this.#slots.values()) this.#cancel(slot);
    this.#slots.clear();
  }

  #slot(device: string, point: string): Slot {
    const id = this.alarmId(device, point);
    let slot = this.#slots.get(id);
    if (!slot) {
      slot = {
        device,
        point,
        condition: { kind: 'normal' },
        lifecycle: 'normal',
        lc: this.#api.core.NORMAL_LIFECYCLE,
        timer: undefined,
        lastValue: Number.NaN,
        lastSourceTs: 0,
      };
      this.#slots.set(id, slot);
    }
    return slot;
  }

  #apply(slot: Slot, input: LimitInput): void {
    const step = this.#api.core.stepLimit(this.#rule, slot.condition, input);
    slot.condition = step.state;
    for (const effect of step.effects) {
      if (effect.kind === 'schedule') {
        this.#cancel(slot);
        const delay = Math.max(0, effect.at - this.#clock.now());
        slot.timer = this.#clock.setTimeout(() => {
          slot.timer = undefined;
          this.#apply(slot, { kind: 'tick', at: this.#clock.now() });
        }, delay);
      } else if (effect.kind === 'cancel') this.#cancel(slot);
      else if (effect.kind === 'raise') this.#transition(slot, 'condition-active', 'raise');
      else this.#transition(slot, 'condition-cleared', 'clear');
    }
  }

  #transition(slot: Slot, input: 'condition-active' | 'condition-cleared' | 'ack', event: AlarmEvent['event']): void {
    slot.lc = this.#api.core.nextLifecycle(slot.lc, { kind: input }).next;
    slot.lifecycle = this.#api.core.displayedState(slot.lc);
    const now = new Date(this.#clock.now()).toISOString();
    const rule = this.#rule;
    this.#seq += 1;
    const alarmId = this.alarmId(slot.device, slot.point);
    this.#emit({
      event,
      alarmId,
      // The gateway's id form (`{alarmId}#{n}@{journal}`); this evaluator keeps no state, so its boot is the journal.
      eventId: `${alarmId}#${this.#seq}@${this.#bootId.slice(0, 8)}`,
      device: slot.device,
      point: slot.point,
      condition: rule.condition,
      priority: rule.priority,
      colour: this.#api.twin.colourOf(rule.priority),
      state: slot.lifecycle,
      value: slot.lastValue,
      limit: rule.value,
      hysteresis: rule.hysteresis,
      unit: rule.unit,
      sourceTs: new Date(slot.lastSourceTs).toISOString(),
      detectedAt: now,
      publishedAt: now,
      seq: this.#seq,
      bootId: this.#bootId,
    });
  }

  #cancel(slot: Slot): void {
    if (slot.timer !== undefined) this.#clock.clearTimeout(slot.timer);
    slot.timer = undefined;
  }
}
