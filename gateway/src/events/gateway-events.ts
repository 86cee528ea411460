import type { Reading } from '@lifeline/core';
import type { AlarmEvent, TwinAnalytics } from '@lifeline/twin';
import type { Logger } from 'pino';
import type { CommState } from '../acquisition/comm-state.js';
import { EventBus, type EventSource } from './event-bus.js';

/** A device's comm state changed (acquisition). */
export interface CommChange {
  readonly device: string;
  readonly state: CommState;
  readonly reason?: string;
}

/**
 * The events between the gateway's pipeline stages (DESIGN.md §3): the
 * readings of one poll, after the alarm engine evaluated them; comm changes;
 * alarm lifecycle events once committed to the outbox; the alarm analytics
 * when they change (analytics/). The twin, the trend history, the alarm
 * journal, metrics, the live state and the dashboard's WebSocket subscribe.
 */
export interface GatewayEvents {
  readonly readings: readonly Reading[];
  readonly comm: CommChange;
  readonly alarm: AlarmEvent;
  readonly analytics: TwinAnalytics;
}

export type GatewayEventSource = EventSource<GatewayEvents>;

/** The gateway's bus: a listener that throws is logged with the event it failed on. */
export function gatewayBus(log: Pick<Logger, 'error'>): EventBus<GatewayEvents> {
  return new EventBus<GatewayEvents>((err, event) => log.error({ err, event }, 'event listener failed; the others still ran'));
}
