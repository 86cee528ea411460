import assert from 'node:assert/strict';
import {
  type BreakerEvent,
  type BreakerState,
  breakerAdmit,
  breakerStep,
  CLOSED,
} from '../../../gateway/src/acquisition/modbus/circuit-breaker.js';

const policy = { failureThreshold: 2, openMs: 1000, maxOpenMs: 3000 };
const fail = (now: number): BreakerEvent => ({ kind: 'failure', now });
const ok: BreakerEvent = { kind: 'success' };

describe('circuit breaker', () => {
  const steps: [string, BreakerState, BreakerEvent, BreakerState][] = [
    ['first failure counts', CLOSED, fail(0), { kind: 'closed', failures: 1 }],
    ['threshold opens', { kind: 'closed', failures: 1 }, fail(50), { kind: 'open', until: 1050, openMs: 1000 }],
    ['success resets the count', { kind: 'closed', failures: 1 }, ok, CLOSED],
    [
      'a failed probe re-opens for twice as long',
      { kind: 'half-open', openMs: 1000 },
      fail(5000),
      { kind: 'open', until: 7000, openMs: 2000 },
    ],
    ['re-open is capped', { kind: 'half-open', openMs: 2000 }, fail(0), { kind: 'open', until: 3000, openMs: 3000 }],
    ['a good probe closes', { kind: 'half-open', openMs: 2000 }, ok, CLOSED],
    [
      'a late failure while open changes nothing',
      { kind: 'open', until: 900, openMs: 1000 },
      fail(100),
      { kind: 'open', until: 900, openMs: 1000 },
    ],
  ];
  for (const [name, state, event, expected] of steps) {
    it(name, () => assert.deepEqual(breakerStep(state, event, policy), expected));
  }

  it('admits nothing while open, then exactly one probe', () => {
    const open: BreakerState = { kind: 'open', until: 1000, openMs: 1000 };
    assert.deepEqual(breakerAdmit(open, 999), { admit: false, state: open });
    const probe = breakerAdmit(open, 1000);
    assert.equal(probe.admit, true);
    assert.deepEqual(probe.state, { kind: 'half-open', openMs: 1000 });
    assert.equal(breakerAdmit(CLOSED, 0).admit, true);
  });
});
