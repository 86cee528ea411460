import type { AlarmEvent } from '@lifeline/twin';
import type { AlarmTransition } from './alarm-transition.js';

/**
 * Joins each published alarm event (seq, bootId, publishedAt, …) to the
 * engine's audit record of the same transition, so the durable journal holds
 * what the centre and the dashboard saw. The engine publishes, then persists
 * (alarm-engine.ts #lifecycle): the event is noted during the publish and
 * taken by the save that follows, matched on alarm, event and detection time
 * so a save never picks up another transition's stamps.
 */
export class PublishedEvents {
  readonly #pending = new Map<string, AlarmEvent>();

  note(event: AlarmEvent): void {
    this.#pending.set(event.alarmId, event);
  }

  /** The published event for `audit` when one was noted, else `audit` as the engine described it. */
  take(audit: AlarmTransition): AlarmTransition {
    const event = this.#pending.get(audit.alarmId);
    if (!event) return audit;
    this.#pending.delete(audit.alarmId);
    return event.event === audit.event && event.detectedAt === audit.detectedAt ? event : audit;
  }
}
