import type { ActionConfig, ActionWrite, Clock, TimerHandle } from '@lifeline/core';
import type { Logger } from 'pino';
import type { DeviceWriter } from '../acquisition/device-writer.js';
import { gatewayError, isTransientError } from '../errors.js';

/** What the runner tells the engine about each write: it raises or clears that output's action alarm. */
export interface ActionOutcome {
  readonly action: ActionConfig;
  readonly write: ActionWrite;
  readonly ok: boolean;
  readonly reason?: string;
}

/**
 * Local automatic control (DESIGN.md §5): when at least `min` of an action's
 * alarms have their condition active, write its outputs; when that stops
 * holding, write its `onClear` outputs. Conditions, not annunciation, drive
 * it: a shelved or unacknowledged gas alarm still closes the valve. It needs
 * nothing but the device link, so it works with the centre unreachable.
 * Each write is verified by the writer's read-back and retried on transient
 * errors; a write that still fails is reported so the engine raises an alarm.
 */
export class ActionRunner {
  readonly #actions: readonly ActionConfig[];
  readonly #writer: DeviceWriter | undefined;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #onOutcome: (outcome: ActionOutcome) => void;
  readonly #holding = new Set<string>();
  readonly #timers = new Set<TimerHandle>();
  /** Bumped on every edge of an action, so a slow older run does not overwrite a newer one. */
  readonly #generation = new Map<string, number>();
  #stopped = false;

  constructor(
    actions: readonly ActionConfig[],
    writer: DeviceWriter | undefined,
    clock: Clock,
    onOutcome: (outcome: ActionOutcome) => void,
    log?: Logger,
  ) {
    this.#actions = actions;
    this.#writer = writer;
    this.#clock = clock;
    this.#onOutcome = onOutcome;
    this.#log = log;
  }

  /** Alarm ids that trigger at least one action. */
  get triggers(): ReadonlySet<string> {
    return new Set(this.#actions.flatMap((a) => a.alarms));
  }

  /** Re-decides every action after a condition changed; `isActive` tells each alarm's condition. */
  update(isActive: (alarmId: string) => boolean): void {
    for (const action of this.#actions) {
      const holds = action.alarms.filter(isActive).length >= action.min;
      if (holds === this.#holding.has(action.id)) continue;
      if (holds) this.#holding.add(action.id);
      else this.#holding.delete(action.id);
      void this.#run(action, holds ? action.do : action.onClear);
    }
  }

  /** Actions whose trigger holds now. */
  holding(): string[] {
    return [...this.#holding];
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    this.#timers.clear();
  }

  async #run(action: ActionConfig, writes: readonly ActionWrite[]): Promise<void> {
    const generation = (this.#generation.get(action.id) ?? 0) + 1;
    this.#generation.set(action.id, generation);
    for (const write of writes) {
      const reason = await this.#writeWithRetries(action, write, () => this.#generation.get(action.id) !== generation);
      if (this.#stopped || this.#generation.get(action.id) !== generation) return;
      if (reason === undefined) {
        this.#log?.info({ action: action.id, ...write }, 'local action wrote its output');
        this.#onOutcome({ action, write, ok: true });
      } else {
        const error = gatewayError('LL_ERR_ACTION_FAILED', action.id, write.device, write.point, reason);
        this.#log?.error({ code: error.code, action: action.id, ...write }, error.message);
        this.#onOutcome({ action, write, ok: false, reason: error.message });
      }
    }
  }

  /** Resolves undefined on success, or the last error's message. */
  async #writeWithRetries(action: ActionConfig, write: ActionWrite, superseded: () => boolean): Promise<string | undefined> {
    if (!this.#writer) return 'no device writer is wired for local actions';
    let last = '';
    for (let attempt = 0; attempt <= action.retries; attempt++) {
      if (attempt > 0) await this.#sleep(action.retryDelayMs);
      if (this.#stopped || superseded()) return last;
      try {
        await this.#writer.writePoint(write.device, write.point, write.value);
        return undefined;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        if (!isTransientError(e)) return last;
      }
    }
    return last;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.#clock.setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }
}
