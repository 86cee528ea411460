import { PointMap, type Reading } from '@lifeline/core';
import type { CommState } from '../acquisition/comm-state.js';
import type { GatewayEventSource } from './gateway-events.js';

/**
 * The latest value of every point and the comm state of every device, for the
 * HTTP API, /metrics and the dashboard's snapshot. It only stores: changes
 * travel on the gateway's event bus, which this subscribes to.
 */
export class LiveState {
  /** By device then point: no key string built per reading. */
  readonly #latest = new PointMap<Reading>();
  readonly #comm = new Map<string, { state: CommState; reason?: string }>();

  /** Keeps up with `events`; returns the function that stops it. */
  attach(events: GatewayEventSource): () => void {
    const offReadings = events.on('readings', (readings) => this.updateReadings(readings));
    const offComm = events.on('comm', (c) => this.updateComm(c.device, c.state, c.reason));
    return () => {
      offReadings();
      offComm();
    };
  }

  updateReadings(readings: readonly Reading[]): void {
    for (const r of readings) this.#latest.set(r.device, r.point, r);
  }

  updateComm(device: string, state: CommState, reason?: string): void {
    this.#comm.set(device, reason === undefined ? { state } : { state, reason });
  }

  readings(): Reading[] {
    return this.#latest.appendTo([]);
  }

  comm(device: string): { state: CommState; reason?: string } {
    return this.#comm.get(device) ?? { state: 'connecting' };
  }
}
