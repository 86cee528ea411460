import type { Lifecycle } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import type { AlarmTransition } from './alarm-transition.js';
import { newJournalId } from './event-id.js';

/**
 * Durable alarm state and the alarm journal (DESIGN.md §5: state survives
 * restarts). The engine saves an alarm with its audit record on every
 * transition, in one step, and loads everything before its first evaluation.
 * The journal is what `/api/alarms/history` and the dashboard serve: each
 * record is the published AlarmEvent once the outbox has it
 * (`recordPublished`), before that the engine's transition, pending.
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
  /** Lifecycle events so far: the `n` of the last event id (event-id.ts); absent in rows from before ids. */
  readonly transitions?: number;
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
  /** Made once when the journal is created; part of every event id (event-id.ts). */
  readonly journalId: string;
  loadAll(): PersistedAlarm[];
  /**
   * Saves the alarm's state and, when given, appends its audit record as
   * pending, atomically: the event is durable, with its id, before the
   * outbox has it.
   */
  save(alarm: PersistedAlarm, audit?: AlarmTransition): void;
  /** The event is in the outbox: its record becomes the published form (seq, bootId, …) and stops being pending. */
  recordPublished(event: AlarmEvent): void;
  /** Records saved but never recorded as published, oldest first: what a crash left for the next boot to publish. */
  unpublished(): AlarmTransition[];
  close(): void;
}

/** Keeps state for the life of the process: for tests and gateways without durable state. */
export class MemoryAlarmStateStore implements AlarmStateStore {
  readonly journalId = newJournalId();
  readonly #alarms = new Map<string, PersistedAlarm>();
  readonly #history: AlarmTransition[] = [];
  readonly #pending = new Set<string>();
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
    this.#pending.add(audit.eventId);
    if (this.#history.length > this.#maxRows) this.#history.splice(0, this.#history.length - this.#maxRows);
  }

  recordPublished(event: AlarmEvent): void {
    if (!this.#pending.delete(event.eventId)) return;
    // Pending records are the newest few: search from the end.
    const at = this.#history.findLastIndex((h) => h.eventId === event.eventId);
    if (at >= 0) this.#history[at] = structuredClone(event);
  }

  unpublished(): AlarmTransition[] {
    return this.#history.filter((h) => this.#pending.has(h.eventId)).map((h) => structuredClone(h));
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
