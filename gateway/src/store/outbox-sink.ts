import type { OutboxRecord } from './outbox-record.js';
import type { Lane } from './outbox-store.js';

/**
 * A delivery target that reads the outbox with its own cursor per lane
 * (DESIGN.md §6): centre MQTT, the local broker, InfluxDB, or any kind added
 * to the sink registry (gateway/src/sinks/sink-registry.ts).
 */
export interface Sink {
  /** Unique per gateway; names its cursors in the store, so it must stay the same across restarts. */
  readonly name: string;
  /** The lanes it consumes (a subset of LANES), declared once with its kind in the registry. */
  readonly lanes: readonly Lane[];
  /** Whether it can take records now (connected, not failing). */
  readonly ready: boolean;
  /** Since when it has been reachable (ms, the gateway's Clock); records committed before are replayed as historical. */
  readonly onlineSince: number;
  /** Called when it becomes ready again, so its pump wakes without polling. */
  onReady(listener: () => void): void;
  /**
   * Delivers typed records of one lane in seq order; resolves only when its
   * server has confirmed them (MQTT PUBACK, HTTP 2xx). Rejects on any failure:
   * the cursor stays and the same records come again. `historical`: the
   * records were committed before the sink came online (a replay).
   */
  deliver(records: readonly OutboxRecord[], historical: boolean): Promise<void>;
  /** Link state for /api/health and /api/outbox. */
  health(): SinkHealth;
  start(): void;
  stop(): Promise<void>;
}

export interface SinkHealth {
  readonly ready: boolean;
  /** The last failure, with its error code, until a delivery succeeds. */
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
  readonly delivered: number;
  /** Messages from the server the sink refused, by reason (a Sparkplug host's bad commands); /metrics counts them. */
  readonly rejected?: Readonly<Record<string, number>>;
}
