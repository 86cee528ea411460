import pg from 'pg';

export interface PgListenerOptions {
  readonly url: string;
  readonly channel: string;
  readonly onPayload: (payload: string) => void;
  /** Waits between reconnect attempts (ms), the last repeated: the database may take a while to come back. */
  readonly retryMs?: readonly number[];
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

const RETRY_MS = [100, 500, 1000, 2000, 5000];

/**
 * One connection that LISTENs on a channel and comes back after it is lost
 * (the database restarted or failed over): a notification is only delivered
 * to a session that is listening, so without a new LISTEN the instance's
 * WebSocket feed would go quiet for good. What was NOTIFYed while it was
 * away is not replayed (PostgreSQL keeps none for an absent listener).
 */
export class PgListener {
  readonly #o: PgListenerOptions;
  #client: pg.Client | undefined;
  #timer: unknown;
  #attempt = 0;
  #closed = false;
  #listening = false;

  constructor(options: PgListenerOptions) {
    this.#o = options;
  }

  /** True while a session is LISTENing. */
  get listening(): boolean {
    return this.#listening;
  }

  start(): void {
    if (this.#client || this.#closed) return;
    const client = new pg.Client({ connectionString: this.#o.url });
    this.#client = client;
    client.on('notification', (n) => {
      if (n.payload) this.#o.onPayload(n.payload);
    });
    // 'error' and 'end' both come when the server goes away; the first one schedules the reconnect.
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client
      .connect()
      .then(() => client.query(`LISTEN ${this.#o.channel}`))
      .then(
        () => {
          this.#attempt = 0;
          this.#listening = this.#client === client;
        },
        () => this.#lost(client),
      );
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    if (this.#timer !== undefined) (this.#o.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    this.#listening = false;
    client.end().catch(() => undefined);
    const retry = this.#o.retryMs ?? RETRY_MS;
    const wait = retry[Math.min(this.#attempt++, retry.length - 1)] as number;
    this.#timer = (this.#o.setTimer ?? setTimeout)(() => {
      this.#timer = undefined;
      this.start();
    }, wait);
  }
}
