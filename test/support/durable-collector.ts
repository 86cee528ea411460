import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';

export interface DurableMessage {
  readonly topic: string;
  readonly payload: Record<string, unknown>;
  readonly historical: boolean;
  readonly at: number;
}

/**
 * A centre-side subscriber that misses nothing across a broker restart: MQTT 5
 * persistent session (clean start off, session expiry 1 h), QoS 1, so a
 * broker with persistence queues for it while it is away. Records MQTT 5 user
 * property `lifeline-historical`.
 */
export class DurableCollector {
  readonly messages: DurableMessage[] = [];
  #client: MqttClient | undefined;

  static async open(url: string, filter: string): Promise<DurableCollector> {
    const c = new DurableCollector();
    const client = await connectAsync(url, {
      clientId: `centre-${randomUUID().slice(0, 8)}`,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 100,
    });
    c.#client = client;
    client.on('message', (topic, payload, packet) => {
      const props = packet.properties?.userProperties as Record<string, string | string[]> | undefined;
      c.messages.push({
        topic,
        payload: JSON.parse(payload.toString()) as Record<string, unknown>,
        historical: props?.['lifeline-historical'] === 'true',
        at: Date.now(),
      });
    });
    await client.subscribeAsync(filter, { qos: 1 });
    return c;
  }

  on(suffix: string): DurableMessage[] {
    return this.messages.filter((m) => m.topic.endsWith(suffix));
  }

  async close(): Promise<void> {
    await this.#client?.endAsync(true);
  }
}

/** Polls `check` until it returns true; fails with `what` and the last diagnostics. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  diagnostics = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
