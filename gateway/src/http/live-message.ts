import type { Reading } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import type { CommState } from '../acquisition/comm-state.js';
import type { GatewayEventSource } from '../events/gateway-events.js';

/**
 * What the dashboard's WebSocket sends after its snapshot (dashboards/web/app.js
 * reads it; docs/dashboard.md). A wire format: it changes only with the dashboard.
 */
export type LiveMessage =
  | { readonly type: 'readings'; readonly readings: readonly Reading[] }
  | { readonly type: 'alarm'; readonly event: AlarmEvent }
  | { readonly type: 'comm'; readonly device: string; readonly state: CommState; readonly reason?: string };

/** Maps the gateway's bus events to LiveMessages for `send`; returns the function that stops it. */
export function forwardLive(events: GatewayEventSource, send: (message: LiveMessage) => void): () => void {
  const off = [
    events.on('readings', (readings) => send({ type: 'readings', readings })),
    events.on('alarm', (event) => send({ type: 'alarm', event })),
    events.on('comm', ({ device, state, reason }) => send({ type: 'comm', device, state, ...(reason === undefined ? {} : { reason }) })),
  ];
  return () => {
    for (const stop of off) stop();
  };
}
