import { EventEmitter } from 'node:events';
import type { Reading } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import type { CommState } from '../acquisition/comm-state.js';

/** What the dashboard's WebSocket receives. */
export type LiveMessage =
  | { readonly type: 'readings'; readonly readings: readonly Reading[] }
  | { readonly type: 'alarm'; readonly event: AlarmEvent }
  | { readonly type: 'comm'; readonly device: string; readonly state: CommState; readonly reason?: string };

/**
 * The latest value of every point and the comm state of every device, for the
 * HTTP API and the dashboard; every change is also emitted as a LiveMessage.
 */
export class LiveState extends EventEmitter<{ message: [LiveMessage] }> {
  readonly #latest = new Map<string, Reading>();
  readonly #comm = new Map<string, { state: CommState; reason?: string }>();

  updateReadings(readings: readonly Reading[]): void {
    for (const r of readings) this.#latest.set(`${r.device}\u0000${r.point}`, r);
    this.emit('message', { type: 'readings', readings });
  }

  updateComm(device: string, state: CommState, reason?: string): void {
    this.#comm.set(device, reason === undefined ? { state } : { state, reason });
    this.emit('message', { type: 'comm', device, state, ...(reason === undefined ? {} : { reason }) });
  }

  alarm(event: AlarmEvent): void {
    this.emit('message', { type: 'alarm', event });
  }

  readings(): Reading[] {
    return [...this.#latest.values()];
  }

  comm(device: string): { state: CommState; reason?: string } {
    return this.#comm.get(device) ?? { state: 'connecting' };
  }
}
