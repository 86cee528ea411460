import type { AlarmState } from '@lifeline/twin';

/**
 * ISA-18.2 lifecycle of one alarm as a pure function of (state, what happened).
 * This slice covers condition changes and acknowledgement; shelving,
 * suppression and out-of-service join here as further inputs.
 */
export type LifecycleInput = 'condition-active' | 'condition-cleared' | 'ack';

export function nextLifecycle(state: AlarmState, input: LifecycleInput): AlarmState {
  switch (input) {
    case 'condition-active':
      return state === 'acknowledged' ? 'acknowledged' : 'unacknowledged';
    case 'condition-cleared':
      // An alarm that returns before anyone acknowledged it stays visible until acked (ISA-18.2 state C).
      return state === 'unacknowledged' ? 'returned-unacknowledged' : 'normal';
    case 'ack':
      if (state === 'unacknowledged') return 'acknowledged';
      if (state === 'returned-unacknowledged') return 'normal';
      return state;
  }
}
