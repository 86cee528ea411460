import { type Clock, systemClock } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import type { OutboxEntry } from '../store/outbox-store.js';
import type { AlarmTransition } from './alarm-engine.js';

/** Where alarm events go: the durable outbox (committed before `enqueue` returns). */
export interface AlarmOutbox {
  enqueue(...entries: OutboxEntry[]): unknown;
}

/**
 * Stamps each transition with the gateway's identity, a per-boot `seq` and
 * `publishedAt`, serialises it once and commits it to the outbox's alarm
 * lane. The outbox wakes every sink at once: an alarm never waits for a
 * batch timer, and a sink's cursor moves only when its server confirms.
 */
export class AlarmPublisher {
  readonly #identity: Pick<AlarmEvent, 'site' | 'gateway' | 'bootId'>;
  readonly #topic: string;
  readonly #outbox: AlarmOutbox;
  readonly #clock: Pick<Clock, 'now'>;
  #seq = 0;

  constructor(
    identity: Pick<AlarmEvent, 'site' | 'gateway' | 'bootId'>,
    topic: string,
    outbox: AlarmOutbox,
    clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.#identity = identity;
    this.#topic = topic;
    this.#outbox = outbox;
    this.#clock = clock;
  }

  publish(transition: AlarmTransition): AlarmEvent {
    this.#seq += 1;
    const event: AlarmEvent = { ...transition, ...this.#identity, seq: this.#seq, publishedAt: new Date(this.#clock.now()).toISOString() };
    this.#outbox.enqueue({ lane: 'alarm', topic: this.#topic, payload: JSON.stringify(event) });
    return event;
  }
}
