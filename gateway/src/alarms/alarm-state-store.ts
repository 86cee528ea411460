import type { Lifecycle } from '@lifeline/core';
import type { AlarmTransition } from './alarm-transition.js';

/**
 * Durable alarm state and audit history (DESIGN.md §5: state survives
 * restarts). The engine saves an alarm with its audit record on every
 * transition, in one step, and loads everything before its first evaluation.
 * Implementations: in memory (tests, no stateDir) and SQLite (the gateway);
 * both pass test/unit/alarms/alarm-state-store.contract.ts.
 */
export interface PersistedAlarm {
  readonly alarmId: string;
  /** Whether the condition machine was active; pending delays restart after a restart. */
  readonly conditionActive: boolean;
  readonly lifecycle: Lifecycle;
  readonly lastValue: number;
  readonly lastSourceTs: number;
  /** The last event published, which the active-alarm list shows. */
  readonly lastTransition?: AlarmTransition;
}

export interface HistoryQuery {
  readonly alarmId?: string;
  /** Newest first; default 100. */
  readonly limit?: number;
}

export interface AlarmStateStore {
  loadAll(): PersistedAlarm[];
  /** Saves the alarm's state and, when given, appends its audit record, atomically. */
  save(alarm: PersistedAlarm, audit?: AlarmTransition): void;
  /** Audit records, newest first. */
  history(query?: HistoryQuery): AlarmTransition[];
  close(): void;
}

/** Keeps state for the life of the process: for tests and gateways without durable state. */
export class MemoryAlarmStateStore implements AlarmStateStore {
  readonly #alarms = new Map<string, PersistedAlarm>();
  readonly #history: AlarmTransition[] = [];
  readonly #maxRows: number;

  constructor(maxRows = 100_000) {
    this.#maxRows = maxRows;
  }

  loadAll(): PersistedAlarm[] {
    return [...this.#alarms.values()].map((a) => structuredClone(a));
  }

  save(alarm: PersistedAlarm, audit?: AlarmTransition): void {
    this.#alarms.set(alarm.alarmId, structuredClone(alarm));
    if (!audit) return;
    this.#history.push(structuredClone(audit));
    if (this.#history.length > this.#maxRows) this.#history.splice(0, this.#history.length - this.#maxRows);
  }

  history(query: HistoryQuery = {}): AlarmTransition[] {
    const rows = query.alarmId ? this.#history.filter((h) => h.alarmId === query.alarmId) : this.#history;
    return rows
      .slice(-(query.limit ?? 100))
      .reverse()
      .map((h) => structuredClone(h));
  }

  close(): void {}
}
