import { Gauge, type Registry } from 'prom-client';
import type { AnalyticsSnapshot } from '../../analytics/analytics-snapshot.js';

/**
 * The alarm analytics as gauges read at scrape time (ISA-18.2 §16, EEMUA 191),
 * so a Grafana panel can chart the alarm rate against the flood threshold.
 * Totals since start are gauges too: they come from the analytics' own counts,
 * and restart with the gateway like every other series here.
 */
export function registerAnalyticsMetrics(registry: Registry, analytics: () => AnalyticsSnapshot): void {
  const gauge = (name: string, help: string, read: (s: AnalyticsSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(analytics()));
      },
    });
  gauge('lifeline_alarm_rate', 'Alarms annunciated in the last flood window (10 min by default; ISA-18.2 flood above 10)', (s) => s.rate);
  gauge('lifeline_alarm_flood', '1 during an alarm flood (ISA-18.2: more than 10 alarms in 10 min until below 5), else 0', (s) =>
    s.flood.active ? 1 : 0,
  );
  gauge('lifeline_alarm_floods', 'Alarm floods started since the gateway started', (s) => s.floods);
  gauge('lifeline_alarm_annunciated', 'Alarms annunciated since the gateway started', (s) => s.annunciated);
  gauge('lifeline_alarm_chattering', 'Alarms chattering now (EEMUA 191: 3 or more raises in 1 min)', (s) => s.chattering.length);
  gauge('lifeline_alarm_chatter_episodes', 'Times an alarm started chattering since the gateway started', (s) => s.chatterEpisodes);
  gauge('lifeline_alarm_standing', 'Alarms active longer than the standing limit (24 h by default)', (s) => s.standing.length);
  gauge('lifeline_alarm_stale_shelves', 'Shelves in place longer than the stale-shelve limit', (s) => s.staleShelves.length);
  new Gauge({
    name: 'lifeline_alarm_bad_actor_raises',
    help: 'Raises over the bad-actor window (24 h) of the alarms that raised most, by alarm id',
    labelNames: ['alarm'],
    registers: [registry],
    collect() {
      this.reset();
      for (const b of analytics().badActors) this.set({ alarm: b.alarmId }, b.raises);
    },
  });
}
