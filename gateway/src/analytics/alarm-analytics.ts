import type { AnalyticsConfig, Clock, TimerHandle } from '@lifeline/core';
import type { AlarmEvent } from '@lifeline/twin';
import { ANALYTICS_CONDITIONS } from '@lifeline/twin';
import type { AlarmTransition } from '../alarms/alarm-transition.js';
import { newJournalId } from '../alarms/event-id.js';
import type { GatewayEventSource } from '../events/gateway-events.js';
import { type AgeState, newAges, observeAges, staleShelves, standingAlarms } from './alarm-ages.js';
import { AnalyticsEventIds, chatterTransition, floodTransition } from './analytics-alarms.js';
import type { AnalyticsSnapshot } from './analytics-snapshot.js';
import type { ChatterStart } from './auto-shelve.js';
import { type BadActorState, countRaise, newBadActors, topBadActors } from './bad-actors.js';
import { type ChatterEffect, type ChatterState, type ChatterThresholds, isIdle, newChatter, stepChatter } from './chatter-detector.js';
import { type FloodState, NO_FLOOD, stepFlood } from './flood-detector.js';
import { emptyRate, pruneRate, type RateWindow, rateAt, recordRate } from './rate-window.js';

export interface AlarmAnalyticsOptions {
  readonly config: AnalyticsConfig;
  /** The gateway id: the flood alarm is `{gateway}/alarms/flood`. */
  readonly gateway: string;
  readonly clock: Clock;
  /** Flood and chatter alarm events, to be published on `…/alarms` like the engine's. */
  readonly publish: (t: AlarmTransition) => void;
  /** A source alarm started chattering (the auto-shelve policy listens). */
  readonly onChatter?: (e: ChatterStart) => void;
  /** The snapshot changed (on an alarm or a tick): the twin reports it by exception. */
  readonly onChange?: (s: AnalyticsSnapshot) => void;
}

const isAnalytics = (e: Pick<AlarmEvent, 'condition'>) => (ANALYTICS_CONDITIONS as readonly string[]).includes(e.condition);

/**
 * The ISA-18.2 §16 / EEMUA 191 measures of the gateway's alarm load, from
 * the alarm events on the bus: the annunciated-alarm rate, floods, chattering
 * alarms, bad actors, standing alarms and stale shelves. The flood and
 * chatter machines are pure (flood-detector.ts, chatter-detector.ts); the
 * counts (rate-window.ts, bad-actors.ts, alarm-ages.ts) are plain data with
 * bounded, O(1) updates, so a flood costs no more per alarm than a quiet day.
 * This owner feeds them events, turns time into ticks on its injected clock
 * and publishes their effects. `start()`/`stop()` own the one timer.
 */
export class AlarmAnalytics {
  readonly #o: AlarmAnalyticsOptions;
  readonly #chatterThresholds: ChatterThresholds;
  #rate: RateWindow;
  #flood: FloodState = NO_FLOOD;
  #chatter = new Map<string, ChatterState>();
  /** Per point, the source alarms chattering now: one chatter alarm per point. */
  #chatteringByPoint = new Map<string, Set<string>>();
  #badActors: BadActorState;
  #ages: AgeState = newAges();
  #floods = 0;
  #chatterEpisodes = 0;
  #annunciated = 0;
  #timer: TimerHandle | undefined;
  #lastReported = '';
  readonly #ids = new AnalyticsEventIds(newJournalId());
  /** The flood and chatter alarms raised now, as last published (for the active-alarm list). */
  readonly #raisedNow = new Map<string, AlarmTransition>();

  constructor(options: AlarmAnalyticsOptions) {
    this.#o = options;
    this.#chatterThresholds = { raises: options.config.chatterRaises, windowMs: options.config.chatterWindowMs };
    this.#rate = emptyRate(options.config.floodWindowMs);
    this.#badActors = newBadActors(options.config.badActorWindowMs);
  }

  /** Follows the bus's alarm events; returns the function that stops it. */
  attach(events: GatewayEventSource): () => void {
    return events.on('alarm', (e) => this.observe(e));
  }

  /** Alarms already active or shelved at start (restored from the alarm store): their ages count from their last event. */
  seed(alarms: readonly AlarmTransition[]): void {
    for (const a of alarms) if (!isAnalytics(a)) this.#ages = observeAges(this.#ages, a);
  }

  start(): void {
    if (this.#timer !== undefined) return;
    const tick = () => {
      this.#timer = this.#o.clock.setTimeout(tick, this.#o.config.tickMs);
      this.tick();
    };
    this.#timer = this.#o.clock.setTimeout(tick, this.#o.config.tickMs);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  observe(e: AlarmEvent): void {
    if (isAnalytics(e)) return;
    const at = this.#o.clock.now();
    this.#ages = observeAges(this.#ages, e);
    if (e.state === 'unacknowledged' && e.event !== 'ack') this.#annunciate(at);
    if (e.event === 'raise') this.#raised(e, at);
    // The snapshot (bad actors sorted, ages) costs O(alarms): it is built on the tick and on a flood or chatter
    // edge, never per alarm, so a flood cannot make the analytics the slow listener on the bus.
  }

  /** Time passed: rates fall, floods end, chattering stops, alarms age. */
  tick(): void {
    const at = this.#o.clock.now();
    this.#rate = pruneRate(this.#rate, at);
    this.#stepFlood({ kind: 'tick', at, rate: rateAt(this.#rate, at) });
    for (const [alarmId, state] of [...this.#chatter]) this.#stepChatter(alarmId, state, { kind: 'tick', at });
    this.#changed();
  }

  /** Flood and chatter alarms raised now: the active-alarm list (`/api/alarms`, the dashboard) shows them too. */
  activeAlarms(): AlarmTransition[] {
    return [...this.#raisedNow.values()];
  }

  snapshot(): AnalyticsSnapshot {
    const now = this.#o.clock.now();
    const c = this.#o.config;
    const flood = this.#flood;
    return {
      rate: rateAt(this.#rate, now),
      windowMs: c.floodWindowMs,
      flood: {
        active: flood.kind === 'flood',
        ...(flood.kind === 'flood' ? { since: new Date(flood.since).toISOString(), alarms: flood.alarms, peak: flood.peak } : {}),
        start: c.floodStart,
        end: c.floodEnd,
      },
      floods: this.#floods,
      chatterEpisodes: this.#chatterEpisodes,
      annunciated: this.#annunciated,
      chattering: [...this.#chatter]
        .filter(([, s]) => s.chattering)
        .map(([id]) => id)
        .sort(),
      badActors: topBadActors(this.#badActors, now, c.badActors),
      standing: standingAlarms(this.#ages, now, c.standingMs),
      staleShelves: staleShelves(this.#ages, now, c.staleShelveMs),
    };
  }

  /** An alarm shown to the operator as new (a raise, or an active alarm revealed): it counts in the rate. */
  #annunciate(at: number): void {
    this.#annunciated++;
    this.#rate = recordRate(this.#rate, at);
    this.#stepFlood({ kind: 'alarm', at, rate: rateAt(this.#rate, at) });
  }

  #raised(e: AlarmEvent, at: number): void {
    this.#badActors = countRaise(this.#badActors, e.alarmId, at);
    const state = this.#chatter.get(e.alarmId) ?? newChatter(this.#chatterThresholds);
    const effect = this.#stepChatter(e.alarmId, state, { kind: 'raise', at }, e);
    if (effect?.kind === 'chatter-start') this.#o.onChatter?.({ alarmId: e.alarmId, priority: e.priority, raises: effect.raises });
  }

  #stepFlood(input: Parameters<typeof stepFlood>[1]): void {
    const c = this.#o.config;
    const step = stepFlood(this.#flood, input, { start: c.floodStart, end: c.floodEnd });
    this.#flood = step.state;
    if (!step.effect) return;
    if (step.effect.kind === 'flood-start') this.#floods++;
    this.#publish(floodTransition(this.#ids, this.#o.gateway, step.effect, c.floodStart, c.floodEnd, c.floodWindowMs));
    this.#changed();
  }

  #stepChatter(
    alarmId: string,
    state: ChatterState,
    input: Parameters<typeof stepChatter>[1],
    source?: Pick<AlarmEvent, 'device' | 'point'>,
  ): ChatterEffect | undefined {
    const step = stepChatter(state, input, this.#chatterThresholds);
    if (isIdle(step.state)) this.#chatter.delete(alarmId);
    else this.#chatter.set(alarmId, step.state);
    if (!step.effect) return undefined;
    const [device = '', point = ''] = source ? [source.device, source.point] : alarmId.split('/');
    const key = `${device}/${point}`;
    const set = this.#chatteringByPoint.get(key) ?? new Set<string>();
    const wasEmpty = set.size === 0;
    if (step.effect.kind === 'chatter-start') {
      this.#chatterEpisodes++;
      set.add(alarmId);
    } else set.delete(alarmId);
    if (set.size === 0) this.#chatteringByPoint.delete(key);
    else this.#chatteringByPoint.set(key, set);
    // The point's chatter alarm raises with its first chattering condition and clears with its last.
    this.#changed();
    if (wasEmpty !== (set.size === 0))
      this.#publish(
        chatterTransition(
          this.#ids,
          { alarmId, device, point },
          step.effect,
          this.#chatterThresholds.raises,
          this.#chatterThresholds.windowMs,
        ),
      );
    return step.effect;
  }

  #publish(t: AlarmTransition): void {
    if (t.event === 'raise') this.#raisedNow.set(t.alarmId, t);
    else this.#raisedNow.delete(t.alarmId);
    this.#o.publish(t);
  }

  #changed(): void {
    if (!this.#o.onChange) return;
    const s = this.snapshot();
    // Ages move on every tick; what the twin shows is compared by its own form, the rest here by value.
    const key = JSON.stringify({ ...s, standing: s.standing.map((a) => a.alarmId), staleShelves: s.staleShelves.map((a) => a.alarmId) });
    if (key === this.#lastReported) return;
    this.#lastReported = key;
    this.#o.onChange(s);
  }
}
