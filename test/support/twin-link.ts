import { topicMatches } from '@lifeline/twin';
import { MemoryCentreStore, type RunningCentre } from '@lifeline/twin/centre';
import type { MqttClient } from 'mqtt';
import type { TwinLink } from '../../gateway/src/twin/index.js';

/**
 * A TwinLink over a shared MQTT.js client: many simulated gateways' twins on
 * one connection (fleet tests and the twin benchmark), each with its own
 * birth. `drop` decides, per publish, whether to lose it (patch-loss tests).
 */
export class SharedClientLink implements TwinLink {
  readonly name: string;
  readonly #client: MqttClient;
  readonly #drop: (topic: string) => boolean;
  readonly #handlers: [string, (topic: string, payload: Buffer) => void][] = [];
  dropped = 0;

  constructor(client: MqttClient, name: string, drop: (topic: string) => boolean = () => false) {
    this.#client = client;
    this.name = name;
    this.#drop = drop;
    client.on('message', (topic, payload) => {
      for (const [filter, handler] of this.#handlers) if (topicMatches(filter, topic)) handler(topic, payload);
    });
  }

  publish(topic: string, payload: string, opts: { retain?: boolean } = {}): void {
    if (this.#drop(topic)) {
      this.dropped += 1;
      return;
    }
    this.#client.publish(topic, payload, { qos: 1, retain: opts.retain ?? false });
  }

  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): void {
    this.#handlers.push([filter, handler]);
    this.#client.subscribe(filter, { qos: 1 });
  }

  /** The birth a real uplink publishes on connect; the twin answers it with its full twin. */
  birth(statusTopic: string, bootId: string): void {
    this.#client.publish(statusTopic, JSON.stringify({ online: true, bootId, ts: new Date().toISOString(), version: '0.1.0' }), {
      qos: 1,
      retain: true,
    });
  }
}

/** Polls `check` until it holds; fails with `what` and the last detail after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail() ? `: ${detail()}` : ''}`);
}

/** The in-memory store of a centre started without `--db`, read synchronously by the twin suites. */
export function memoryOf(centre: RunningCentre | undefined): MemoryCentreStore | undefined {
  if (!centre) return undefined;
  if (!(centre.store instanceof MemoryCentreStore)) throw new Error('this centre runs on PostgreSQL');
  return centre.store;
}
