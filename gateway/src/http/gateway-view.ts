import { type Clock, type SiteConfig, systemClock } from '@lifeline/core';
import type { DeviceHealth } from '../acquisition/device-health.js';
import type { AlarmControl } from '../alarms/alarm-control.js';
import type { AlarmTransition } from '../alarms/alarm-engine.js';
import type { AlarmJournalQuery } from '../alarms/alarm-journal-reader.js';
import type { AlarmJournal } from '../alarms/alarm-state-store.js';
import type { AnalyticsSnapshot } from '../analytics/analytics-snapshot.js';
import type { AuditEntry, AuditSink } from '../audit/audit-log.js';
import type { GatewayEventSource } from '../events/gateway-events.js';
import type { LiveState } from '../events/live-state.js';
import type { HistorySource } from './history/history-source.js';
import type { TrendSource } from './history/trend-history.js';
import type { AcquisitionSource, OutboxSource, TwinSource } from './sources.js';

/**
 * What the HTTP layer may see of a running gateway: read-only views, no
 * internals, plus the one command surface operators need (AlarmControl).
 * Optional members are subsystems the integrator plugs in; their routes answer
 * 503 LL_ERR_HTTP_UNAVAILABLE until they are.
 */
export interface GatewayView {
  readonly config: SiteConfig;
  readonly bootId: string;
  readonly version: string;
  readonly startedAt: number;
  /** The gateway's clock (uptime, trend windows); the system clock when absent. */
  readonly clock?: Clock;
  /** Latest values and comm states. */
  readonly live: LiveState;
  /** Readings, comm changes and alarm events as they happen (the WebSocket, metrics and trends subscribe). */
  readonly events: GatewayEventSource;
  activeAlarms(): AlarmTransition[];
  /** The alarm analytics (analytics/); `/api/alarms/analytics` answers 503 without them. */
  analytics?(): AnalyticsSnapshot;
  /** The durable alarm journal behind `/api/alarms/history`: alarm events as published, newest first. */
  readonly alarmJournal?: AlarmJournal;
  /** The same journal filtered and paged (`/api/alarms/journal`), and each active alarm's raise and ack facts. */
  readonly alarmJournalQuery?: AlarmJournalQuery;
  /** Per-device comm state, counters and latency histogram (acquisition). */
  deviceHealth?(): DeviceHealth[];
  uplinks(): Record<string, { connected: boolean; lastError?: { code: string; message: string; at: string } }>;
  /** Ack, shelve, unshelve and limits; absent until the alarm engine implements it. */
  readonly alarmControl?: AlarmControl;
  /** Trend history per point; when absent, a TrendHistory over `events` and `durableHistory`. */
  readonly history?: HistorySource;
  /** Durable bucketed history; trends older than the ring come from it. */
  readonly durableHistory?: TrendSource;
  readonly outbox?: OutboxSource;
  readonly twin?: TwinSource;
  readonly acquisition?: AcquisitionSource;
  /** The audit trail: HTTP alarm commands and limit changes are recorded; `/api/audit` reads it. */
  readonly audit?: AuditSink & { list(limit?: number): AuditEntry[] };
}

/** The view's clock: time in the HTTP layer has the gateway's owner, so tests can fake it. */
export function clockOf(view: Pick<GatewayView, 'clock'>): Clock {
  return view.clock ?? systemClock;
}
