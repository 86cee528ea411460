import type { Lane, OutboxRecord } from './outbox-store.js';

/** A delivery target that reads the outbox with its own cursor: centre MQTT, InfluxDB, the local broker. */
export interface OutboxSink {
  readonly name: string;
  /** The lanes it consumes, e.g. InfluxDB takes only telemetry. */
  readonly lanes: readonly Lane[];
  /** Whether it can take records now (connected, not failing). */
  readonly ready: boolean;
  /** Since when it has been reachable (ms); records committed before are replayed as historical. */
  readonly onlineSince: number;
  /** Called when it becomes ready again, so its pump wakes without polling. */
  onReady(listener: () => void): void;
  /**
   * Delivers records in order; resolves only when its server has confirmed
   * them (MQTT PUBACK, HTTP 2xx). Rejects on any failure: the cursor stays and
   * the same records come again.
   */
  deliver(records: readonly OutboxRecord[], historical: boolean): Promise<void>;
  health(): SinkHealth;
  start(): void;
  stop(): Promise<void>;
}

export interface SinkHealth {
  readonly ready: boolean;
  /** The last failure, with its error code, until a delivery succeeds. */
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
  readonly delivered: number;
}
