/** One historical sample of a point. */
export interface HistorySample {
  /** Sample time, ms since the epoch. */
  readonly ts: number;
  readonly value: number;
}

/**
 * Where the dashboard's trends come from: TrendHistory (the in-memory ring in
 * front of the durable SQLite history, DESIGN.md §6) in the gateway.
 */
export interface HistorySource {
  /** Samples of one point taken at or after `sinceMs`, oldest first. */
  history(device: string, point: string, sinceMs: number): HistorySample[];
}
