import type { PollOutcome } from '../acquisition/device-health.js';

export type { PollOutcome };

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
  /** Per sink: how many entries it has not yet confirmed, its link state and, per lane, backlog and cursor. */
  readonly sinks?: Readonly<Record<string, OutboxSinkStats>>;
  /** Telemetry dropped or downsampled under the disk budget. */
  readonly dropped?: number;
}

export interface OutboxSinkStats {
  readonly pending: number;
  readonly connected?: boolean;
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
  readonly lanes?: Readonly<Record<string, { readonly pending: number; readonly cursor: number }>>;
  /** Messages from its server it refused, by reason (a Sparkplug host's malformed or unknown commands). */
  readonly rejected?: Readonly<Record<string, number>>;
}

/** The reported twin (issue 7); any JSON document with a version. */
export interface TwinSource {
  reported(): { readonly version: number } & Readonly<Record<string, unknown>>;
}

/** Acquisition's poll outcomes; `subscribe` returns the unsubscribe function. */
export interface AcquisitionSource {
  subscribe(listener: (outcome: PollOutcome) => void): () => void;
}
