/**
 * Small source interfaces other subsystems implement so the HTTP API, the
 * dashboard and /metrics can show them without importing their internals.
 */

/** The durable outbox (DESIGN.md §6): depth per lane and per-sink lag. */
export interface OutboxSource {
  stats(): OutboxStats;
}

export interface OutboxStats {
  /** Entries waiting per lane (`alarm`, `twin`, `telemetry`). */
  readonly lanes: Readonly<Record<string, { readonly depth: number }>>;
  /** Per sink: how many entries it has not yet confirmed. */
  readonly sinks?: Readonly<Record<string, { readonly pending: number; readonly connected?: boolean }>>;
  /** Telemetry dropped or downsampled under the disk budget. */
  readonly dropped?: number;
}

/** The reported twin (issue 7); any JSON document with a version. */
export interface TwinSource {
  reported(): { readonly version: number } & Readonly<Record<string, unknown>>;
}

/** One completed or failed poll cycle of a device, as acquisition reports it. */
export interface PollOutcome {
  readonly device: string;
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly latencyMs: number;
}

/** Acquisition's poll outcomes; `subscribe` returns the unsubscribe function. */
export interface AcquisitionSource {
  subscribe(listener: (outcome: PollOutcome) => void): () => void;
}
