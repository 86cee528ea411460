import { colourOf } from '@lifeline/twin';
import type { AlarmTransition } from '../alarms/alarm-transition.js';
import { alarmEventId } from '../alarms/event-id.js';
import type { ChatterEffect } from './chatter-detector.js';
import type { FloodEffect } from './flood-detector.js';

/**
 * The gateway's own alarm-management alarms as alarm events, so the centre
 * sees a flood or a chattering alarm on `…/alarms` like any other: priority 4
 * (blue), informational, raised and cleared by the analytics alone (there is
 * nothing to acknowledge). `value` is the count, `limit` the threshold.
 */
export const ANALYTICS_PRIORITY = 4;

interface Base {
  readonly alarmId: string;
  /** `{alarmId}#{n}@{journal}` (alarms/event-id.ts): n counts this alarm's events; the journal is per boot. */
  readonly eventId: string;
  readonly device: string;
  readonly point: string;
  readonly condition: 'flood' | 'chatter';
}

function transition(base: Base, raise: boolean, value: number, limit: number, unit: string, at: number, reason: string): AlarmTransition {
  const ts = new Date(at).toISOString();
  return {
    event: raise ? 'raise' : 'clear',
    ...base,
    priority: ANALYTICS_PRIORITY,
    colour: colourOf(ANALYTICS_PRIORITY),
    state: raise ? 'unacknowledged' : 'normal',
    value,
    limit,
    hysteresis: 0,
    unit,
    sourceTs: ts,
    detectedAt: ts,
    reason,
  };
}

/**
 * Numbers the analytics' events for their eventId. They are not journalled (they are recomputed, not restored),
 * so the journal part is random per AlarmAnalytics, i.e. per boot: ids never collide with an earlier boot's.
 */
export class AnalyticsEventIds {
  readonly #journal: string;
  readonly #counts = new Map<string, number>();

  constructor(journal: string) {
    this.#journal = journal;
  }

  next(alarmId: string): string {
    const n = (this.#counts.get(alarmId) ?? 0) + 1;
    this.#counts.set(alarmId, n);
    return alarmEventId(alarmId, n, this.#journal);
  }
}

/** `{gateway}/alarms/flood`: the whole gateway is one operator position (ISA-18.2 §16 rates are per position). */
export function floodTransition(
  ids: AnalyticsEventIds,
  gateway: string,
  effect: FloodEffect,
  start: number,
  end: number,
  windowMs: number,
): AlarmTransition {
  const alarmId = `${gateway}/alarms/flood`;
  const base: Base = { alarmId, eventId: ids.next(alarmId), device: gateway, point: 'alarms', condition: 'flood' };
  const window = `${Math.round(windowMs / 60_000)} min`;
  const unit = `alarms/${window}`;
  if (effect.kind === 'flood-start')
    return transition(
      base,
      true,
      effect.rate,
      start,
      unit,
      effect.at,
      `alarm flood: ${effect.rate} alarms in ${window} (more than ${start})`,
    );
  return transition(
    base,
    false,
    effect.rate,
    end,
    unit,
    effect.at,
    `flood over: ${effect.rate} alarms in ${window} (below ${end}); ${effect.alarms} alarm(s) during the flood, peak ${effect.peak}`,
  );
}

/** `{device}/{point}/chatter`: one chatter alarm per point, whichever of its conditions chatters. */
export function chatterTransition(
  ids: AnalyticsEventIds,
  source: { readonly alarmId: string; readonly device: string; readonly point: string },
  effect: ChatterEffect,
  raises: number,
  windowMs: number,
): AlarmTransition {
  const alarmId = `${source.device}/${source.point}/chatter`;
  const base: Base = {
    alarmId,
    eventId: ids.next(alarmId),
    device: source.device,
    point: source.point,
    condition: 'chatter',
  };
  const window = `${Math.round(windowMs / 1000)} s`;
  if (effect.kind === 'chatter-start')
    return transition(
      base,
      true,
      effect.raises,
      raises,
      `raises/${window}`,
      effect.at,
      `${source.alarmId} chattering: ${effect.raises} raises in ${window}`,
    );
  return transition(
    base,
    false,
    0,
    raises,
    `raises/${window}`,
    effect.at,
    `${source.alarmId} stopped chattering: ${effect.raises} raises while it chattered, none in the last ${window}`,
  );
}
