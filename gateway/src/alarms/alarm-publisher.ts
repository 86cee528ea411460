import type { AlarmEvent } from '@lifeline/twin';
import type { AlarmTransition } from './alarm-engine.js';

export interface AlarmSink {
  publish(topic: string, payload: string): void;
}

/**
 * Stamps each transition with the gateway's identity, a per-boot `seq` and
 * `publishedAt`, serialises it once and hands it to every uplink.
 */
export class AlarmPublisher {
  readonly #identity: Pick<AlarmEvent, 'site' | 'gateway' | 'bootId'>;
  readonly #topic: string;
  #sinks: readonly AlarmSink[] = [];
  #seq = 0;

  constructor(identity: Pick<AlarmEvent, 'site' | 'gateway' | 'bootId'>, topic: string) {
    this.#identity = identity;
    this.#topic = topic;
  }

  setSinks(sinks: readonly AlarmSink[]): void {
    this.#sinks = sinks;
  }

  publish(transition: AlarmTransition): AlarmEvent {
    this.#seq += 1;
    const event: AlarmEvent = { ...transition, ...this.#identity, seq: this.#seq, publishedAt: new Date().toISOString() };
    const payload = JSON.stringify(event);
    for (const sink of this.#sinks) sink.publish(this.#topic, payload);
    return event;
  }
}
