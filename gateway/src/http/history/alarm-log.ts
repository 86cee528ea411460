import type { AlarmEvent } from '@lifeline/twin';
import type { GatewayEventSource } from '../../events/gateway-events.js';

/**
 * The last `capacity` alarm lifecycle events of this boot, newest first, for
 * the dashboard's alarm history. The durable record is the outbox; this is
 * what the maintenance view needs at a glance.
 */
export class AlarmLog {
  readonly #capacity: number;
  readonly #events: AlarmEvent[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  attach(events: GatewayEventSource): () => void {
    return events.on('alarm', (event) => this.record(event));
  }

  record(event: AlarmEvent): void {
    this.#events.unshift(event);
    if (this.#events.length > this.#capacity) this.#events.length = this.#capacity;
  }

  /** Newest first; optionally only one alarm's events, at most `limit`. */
  events(limit: number, alarmId?: string): AlarmEvent[] {
    const matching = alarmId === undefined ? this.#events : this.#events.filter((e) => e.alarmId === alarmId);
    return matching.slice(0, limit);
  }
}
