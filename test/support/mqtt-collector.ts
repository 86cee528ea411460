import { connectAsync, type MqttClient } from 'mqtt';

export interface Received {
  readonly topic: string;
  readonly payload: unknown;
  readonly retain: boolean;
  readonly at: number;
}

/** A subscriber that records what arrives and lets a test wait for a message matching a predicate. */
export class MqttCollector {
  readonly messages: Received[] = [];
  #client: MqttClient | undefined;
  #waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  static async open(
    url: string,
    topic: string,
    login: { username: string; password: string } | undefined = undefined,
  ): Promise<MqttCollector> {
    const collector = new MqttCollector();
    const client = await connectAsync(url, { clientId: `test-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0, ...login });
    collector.#client = client;
    client.on('message', (t, payload, packet) =>
      collector.#receive({ topic: t, payload: parse(payload), retain: packet.retain, at: Date.now() }),
    );
    await client.subscribeAsync(topic, { qos: 1 });
    return collector;
  }

  /** Resolves with the first message (already received or future) that matches. */
  waitFor(match: (m: Received) => boolean, timeoutMs = 10_000, what = 'a matching message'): Promise<Received> {
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.messages.length} message(s)`)),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  async close(): Promise<void> {
    await this.#client?.endAsync(true);
  }

  #receive(m: Received): void {
    this.messages.push(m);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(m)) return true;
      w.resolve(m);
      return false;
    });
  }
}

function parse(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString());
  } catch {
    return payload.toString();
  }
}
