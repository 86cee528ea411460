import type { TwinAnalytics } from '@lifeline/twin';
import type { AgedAlarm } from './alarm-ages.js';
import type { BadActor } from './bad-actors.js';

/** What `/api/alarms/analytics` and the dashboard show: the ISA-18.2 / EEMUA 191 measures now. */
export interface AnalyticsSnapshot {
  /** Alarms annunciated in the last `windowMs` (the flood window, 10 min by default). */
  readonly rate: number;
  readonly windowMs: number;
  readonly flood: {
    readonly active: boolean;
    readonly since?: string;
    /** Alarms annunciated since the flood started. */
    readonly alarms?: number;
    readonly peak?: number;
    readonly start: number;
    readonly end: number;
  };
  /** Floods and chattering episodes since the gateway started. */
  readonly floods: number;
  readonly chatterEpisodes: number;
  /** Alarms annunciated since the gateway started. */
  readonly annunciated: number;
  /** Source alarm ids chattering now. */
  readonly chattering: readonly string[];
  readonly badActors: readonly BadActor[];
  readonly standing: readonly AgedAlarm[];
  readonly staleShelves: readonly AgedAlarm[];
}

/**
 * The twin's `analytics` member: what changes only when an alarm does or a
 * threshold is crossed (no ages, which move every second), so the twin
 * reports it by exception.
 */
export function twinAnalyticsOf(s: AnalyticsSnapshot, badActors = 5): TwinAnalytics {
  return {
    rate: s.rate,
    windowMs: s.windowMs,
    flood: s.flood.active,
    ...(s.flood.since !== undefined ? { floodSince: s.flood.since } : {}),
    floods: s.floods,
    chattering: [...s.chattering],
    standing: s.standing.map((a) => a.alarmId),
    staleShelves: s.staleShelves.map((a) => a.alarmId),
    badActors: s.badActors.slice(0, badActors).map((b) => ({ alarmId: b.alarmId, raises: b.raises })),
  };
}
