/** One decoded sample of one point: what the pipeline carries from driver to uplinks. */
export type Quality = 'good' | 'uncertain' | 'bad';

export interface Reading {
  readonly device: string;
  readonly point: string;
  /** Engineering value in the point's unit; absent when quality is bad and nothing was read. */
  readonly value?: number | boolean;
  readonly quality: Quality;
  /** Why quality is not good, e.g. "timeout" or "exception 2 (illegal data address)". */
  readonly reason?: string;
  /** When the device sampled it (ms since epoch); for Modbus polls, when the response arrived. */
  readonly sourceTs: number;
  /** When the gateway received it (ms since epoch). */
  readonly rxTs: number;
}

/** Every listed point bad with the reason: nothing was read, so no value. */
export function badReadings(device: string, points: readonly { readonly id: string }[], reason: string, now: number): Reading[] {
  return points.map((p) => ({ device, point: p.id, quality: 'bad', reason, sourceTs: now, rxTs: now }));
}
