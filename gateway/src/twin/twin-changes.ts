import type { GatewayTopics } from '@lifeline/twin';
import { entryOf } from '../store/outbox-record.js';
import type { OutboxEntry } from '../store/outbox-store.js';

/**
 * Where the twin's changes go (docs/twin.md "Sync protocol"): the full
 * reported twin (retained on `twin`) and merge patches (`twin/patch`). Answers
 * to `twin/desired` and `cmd/*` are not changes: they go back on the link
 * that asked.
 */
export interface TwinChanges {
  /**
   * True when changes are committed and replayed in order after an outage or
   * restart (the outbox). The twin then opens the stream of each boot with a
   * full twin, so no sink ever reads a patch of this boot without its base.
   */
  readonly durable: boolean;
  full(payload: string): void;
  patch(payload: string): void;
}

/** What the twin needs of the outbox: a commit that returns once the entry is on disk. */
export interface TwinOutbox {
  enqueue(...entries: OutboxEntry[]): unknown;
}

/**
 * The gateway's way (DESIGN.md §3, §6): changes are committed to the outbox's
 * twin lane and every MQTT sink publishes them from there with its own cursor,
 * after the alarm lane and before telemetry. The store keeps only the newest
 * full twin and the patches after it, so a sink back from an outage gets the
 * current twin first instead of a backlog of stale patches.
 */
export function outboxTwinChanges(outbox: TwinOutbox, topics: GatewayTopics): TwinChanges {
  return {
    durable: true,
    full: (payload) => outbox.enqueue(entryOf('twin', topics.twin, payload)),
    patch: (payload) => outbox.enqueue(entryOf('twin-patch', topics.twinPatch, payload)),
  };
}

/**
 * Straight onto the links, fire and forget: for twins without an outbox (the
 * simulated fleets of tests and benchmarks). `links` is read at each call.
 */
export function linkTwinChanges(
  links: readonly { publish(topic: string, payload: string, opts?: { retain?: boolean }): void }[],
  topics: GatewayTopics,
): TwinChanges {
  return {
    durable: false,
    full: (payload) => {
      for (const link of links) link.publish(topics.twin, payload, { retain: true });
    },
    patch: (payload) => {
      for (const link of links) link.publish(topics.twinPatch, payload);
    },
  };
}
