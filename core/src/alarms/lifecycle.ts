import type { AlarmEventKind, AlarmState } from './alarm-vocabulary.js';

/**
 * ISA-18.2 / IEC 62682 lifecycle of one alarm as a pure function of (state,
 * what happened). `alarm` is the annunciated state (A normal, B
 * unacknowledged, C acknowledged, D returned-unacknowledged); shelving,
 * suppression and out-of-service hide it (ISA-18.2 §11.3, §11.4). While
 * hidden the condition is still tracked, and when the alarm comes back an
 * active condition is annunciated again as unacknowledged.
 */
export type AnnunciatedState = 'normal' | 'unacknowledged' | 'acknowledged' | 'returned-unacknowledged';

export interface Lifecycle {
  readonly alarm: AnnunciatedState;
  /** The condition, whatever is shown. */
  readonly active: boolean;
  readonly shelvedUntil?: number;
  readonly suppressed: boolean;
  readonly outOfService: boolean;
}

export const NORMAL_LIFECYCLE: Lifecycle = { alarm: 'normal', active: false, suppressed: false, outOfService: false };

export type LifecycleInput =
  | { readonly kind: 'condition-active' }
  | { readonly kind: 'condition-cleared' }
  | { readonly kind: 'ack' }
  | { readonly kind: 'shelve'; readonly until: number }
  | { readonly kind: 'unshelve' }
  | { readonly kind: 'suppress' }
  | { readonly kind: 'unsuppress' }
  | { readonly kind: 'remove-from-service' }
  | { readonly kind: 'return-to-service' };

/** The next state and the event to publish; `publish` absent means a silent change; `rejected` says why a command was refused. */
export interface LifecycleStep {
  readonly next: Lifecycle;
  readonly publish?: AlarmEventKind;
  readonly rejected?: string;
}

export function isHidden(l: Lifecycle): boolean {
  return l.outOfService || l.suppressed || l.shelvedUntil !== undefined;
}

/** The state the alarms topic shows: out of service over suppressed over shelved over the annunciated state. */
export function displayedState(l: Lifecycle): AlarmState {
  if (l.outOfService) return 'out-of-service';
  if (l.suppressed) return 'suppressed';
  if (l.shelvedUntil !== undefined) return 'shelved';
  return l.alarm;
}

export function nextLifecycle(l: Lifecycle, input: LifecycleInput): LifecycleStep {
  switch (input.kind) {
    case 'condition-active':
      return conditionChange({ ...l, active: true, alarm: l.alarm === 'acknowledged' ? 'acknowledged' : 'unacknowledged' }, l, 'raise');
    case 'condition-cleared':
      // An alarm that returns before anyone acknowledged it stays visible until acked (ISA-18.2 state D).
      return conditionChange(
        { ...l, active: false, alarm: l.alarm === 'unacknowledged' ? 'returned-unacknowledged' : 'normal' },
        l,
        'clear',
      );
    case 'ack':
      if (isHidden(l)) return { next: l, rejected: `the alarm is ${displayedState(l)}` };
      if (l.alarm === 'unacknowledged') return { next: { ...l, alarm: 'acknowledged' }, publish: 'ack' };
      if (l.alarm === 'returned-unacknowledged') return { next: { ...l, alarm: 'normal' }, publish: 'ack' };
      return { next: l, rejected: `nothing to acknowledge: the alarm is ${l.alarm}` };
    case 'shelve':
      if (l.outOfService) return { next: l, rejected: 'the alarm is out of service' };
      return { next: { ...l, alarm: 'normal', shelvedUntil: input.until }, publish: 'shelve' };
    case 'unshelve':
      if (l.shelvedUntil === undefined) return { next: l, rejected: 'the alarm is not shelved' };
      return { next: reveal({ ...l, shelvedUntil: undefined }), publish: 'unshelve' };
    case 'suppress':
      if (l.suppressed) return { next: l };
      // Only alarms the centre sees get an event: a device going offline gives one comm alarm, not a flood.
      return { next: { ...l, alarm: 'normal', suppressed: true }, ...(displayedState(l) !== 'normal' ? { publish: 'suppress' } : {}) };
    case 'unsuppress': {
      if (!l.suppressed) return { next: l };
      const next = reveal({ ...l, suppressed: false });
      return { next, ...(displayedState(next) !== 'normal' ? { publish: 'unsuppress' } : {}) };
    }
    case 'remove-from-service':
      if (l.outOfService) return { next: l, rejected: 'the alarm is already out of service' };
      return { next: { ...l, alarm: 'normal', shelvedUntil: undefined, outOfService: true }, publish: 'out-of-service' };
    case 'return-to-service':
      if (!l.outOfService) return { next: l, rejected: 'the alarm is in service' };
      return { next: reveal({ ...l, outOfService: false }), publish: 'in-service' };
  }
}

/** A condition change is annunciated only when the alarm is not hidden. */
function conditionChange(next: Lifecycle, prev: Lifecycle, kind: 'raise' | 'clear'): LifecycleStep {
  if (isHidden(prev)) return { next: { ...next, alarm: 'normal' } };
  if (next.alarm === prev.alarm && kind === 'raise') return { next };
  return { next, publish: kind };
}

/** Back from hiding: an active condition is annunciated afresh. */
function reveal(l: Lifecycle): Lifecycle {
  if (isHidden(l)) return l;
  return { ...l, alarm: l.active ? 'unacknowledged' : 'normal' };
}
