import assert from 'node:assert/strict';
import type { AlarmState } from '@lifeline/twin';
import {
  displayedState,
  type Lifecycle,
  type LifecycleInput,
  NORMAL_LIFECYCLE,
  nextLifecycle,
} from '../../../core/src/alarms/lifecycle.js';

const at = (alarm: Lifecycle['alarm'], active: boolean, extra: Partial<Lifecycle> = {}): Lifecycle => ({
  ...NORMAL_LIFECYCLE,
  alarm,
  active,
  ...extra,
});
const A = at('normal', false);
const B = at('unacknowledged', true);
const C = at('acknowledged', true);
const D = at('returned-unacknowledged', false);
const shelved = (active: boolean) => at('normal', active, { shelvedUntil: 1000 });
const suppressed = (active: boolean) => at('normal', active, { suppressed: true });
const oos = (active: boolean) => at('normal', active, { outOfService: true });

const active: LifecycleInput = { kind: 'condition-active' };
const cleared: LifecycleInput = { kind: 'condition-cleared' };
const ack: LifecycleInput = { kind: 'ack' };
const shelve: LifecycleInput = { kind: 'shelve', until: 1000 };

/** [from, input, displayed state after, event published ('-' none, '!' rejected)] */
const rows: [string, Lifecycle, LifecycleInput, AlarmState, string][] = [
  ['normal', A, active, 'unacknowledged', 'raise'],
  ['normal', A, ack, 'normal', '!'],
  ['unacknowledged', B, cleared, 'returned-unacknowledged', 'clear'],
  ['unacknowledged', B, ack, 'acknowledged', 'ack'],
  ['unacknowledged', B, active, 'unacknowledged', '-'],
  ['acknowledged', C, cleared, 'normal', 'clear'],
  ['acknowledged', C, active, 'acknowledged', '-'],
  ['acknowledged', C, ack, 'acknowledged', '!'],
  ['returned-unacknowledged', D, ack, 'normal', 'ack'],
  ['returned-unacknowledged', D, active, 'unacknowledged', 'raise'],
  ['unacknowledged', B, shelve, 'shelved', 'shelve'],
  ['normal', A, shelve, 'shelved', 'shelve'],
  ['shelved, active', shelved(true), { kind: 'unshelve' }, 'unacknowledged', 'unshelve'],
  ['shelved, clear', shelved(false), { kind: 'unshelve' }, 'normal', 'unshelve'],
  ['shelved', shelved(false), active, 'shelved', '-'],
  ['shelved', shelved(true), cleared, 'shelved', '-'],
  ['shelved', shelved(true), ack, 'shelved', '!'],
  ['normal', A, { kind: 'unshelve' }, 'normal', '!'],
  ['unacknowledged', B, { kind: 'suppress' }, 'suppressed', 'suppress'],
  ['normal', A, { kind: 'suppress' }, 'suppressed', '-'],
  ['suppressed', suppressed(true), { kind: 'suppress' }, 'suppressed', '-'],
  ['suppressed', suppressed(false), active, 'suppressed', '-'],
  ['suppressed, active', suppressed(true), { kind: 'unsuppress' }, 'unacknowledged', 'unsuppress'],
  ['suppressed, clear', suppressed(false), { kind: 'unsuppress' }, 'normal', '-'],
  ['acknowledged', C, { kind: 'remove-from-service' }, 'out-of-service', 'out-of-service'],
  ['out of service', oos(true), { kind: 'remove-from-service' }, 'out-of-service', '!'],
  ['out of service', oos(true), shelve, 'out-of-service', '!'],
  ['out of service', oos(false), active, 'out-of-service', '-'],
  ['out of service, active', oos(true), { kind: 'return-to-service' }, 'unacknowledged', 'in-service'],
  ['out of service, clear', oos(false), { kind: 'return-to-service' }, 'normal', 'in-service'],
  ['normal', A, { kind: 'return-to-service' }, 'normal', '!'],
  ['shelved and suppressed', at('normal', true, { shelvedUntil: 5, suppressed: true }), { kind: 'unshelve' }, 'suppressed', 'unshelve'],
];

describe('ISA-18.2 alarm lifecycle', () => {
  for (const [name, from, input, state, event] of rows) {
    it(`${name} + ${input.kind} → ${state} (${event})`, () => {
      const step = nextLifecycle(from, input);
      assert.equal(displayedState(step.next), state);
      if (event === '!') {
        assert.ok(step.rejected, 'the command is refused');
        assert.deepEqual(step.next, from);
      } else assert.equal(step.publish ?? '-', event);
    });
  }

  it('tracks the condition while hidden', () => {
    const step = nextLifecycle(shelved(false), active);
    assert.equal(step.next.active, true);
    assert.equal(step.next.shelvedUntil, 1000);
  });
});
