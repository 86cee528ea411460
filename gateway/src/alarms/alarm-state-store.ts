import type { Lifecycle } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import type { AlarmTransition } from './alarm-transition.js';
import { PublishedEvents } from './published-events.js';

/**
 * Durable alarm state and the alarm journal (DESIGN.md §5: state survives
 * restarts). The engine saves an alarm with its audit record on every
 * transition, in one step, and loads everything before its first evaluation.
 * The journal is what `/api/alarms/history` and the dashboard serve: each
 * record is the published AlarmEvent when the gateway noted it
 * (`recordPublished`), else the engine's transition.
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

/** The read side of the journal, for the HTTP API. */
export interface AlarmJournal {
  /** Journal records, newest first. */
  history(query?: HistoryQuery): AlarmTransition[];
}

export interface AlarmStateStore extends AlarmJournal {
  loadAll(): PersistedAlarm[];
  /** Saves the alarm's state and, when given, appends its audit record, atomically. */
  save(alarm: PersistedAlarm, audit?: AlarmTransition): void;
  /** The published form of the transition about to be saved; its audit record is journalled as this event. */
  recordPublished(event: AlarmEvent): void;
  close(): void;
}

/** Keeps state for the life of the process: for tests and gateways without durable state. */
export class MemoryAlarmStateStore implements AlarmStateStore {
  readonly #alarms = new Map<string, PersistedAlarm>();
  readonly #history: AlarmTransition[] = [];
  readonly #maxRows: number;
  readonly #published = new PublishedEvents();

  constructor(maxRows = 100_000) {
    this.#maxRows = maxRows;
  }

  loadAll(): PersistedAlarm[] {
    return [...this.#alarms.values()].map((a) => structuredClone(a));
  }

  save(alarm: PersistedAlarm, audit?: AlarmTransition): void {
    this.#alarms.set(alarm.alarmId, structuredClone(alarm));
    if (!audit) return;
    this.#history.push(structuredClone(this.#published.take(audit)));
    if (this.#history.length > this.#maxRows) this.#history.splice(0, this.#history.length - this.#maxRows);
  }

  recordPublished(event: AlarmEvent): void {
    this.#published.note(event);
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
