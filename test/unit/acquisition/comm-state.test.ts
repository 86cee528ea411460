import assert from 'node:assert/strict';
import { type CommInputs, type CommState, commStateOf } from '../../../gateway/src/acquisition/comm-state.js';

const base: CommInputs = { everAnswered: true, linkUp: true, breakerOpen: false, lastCycleFailed: false, lastCycleImpaired: false };

describe('device comm state', () => {
  const rows: [string, Partial<CommInputs>, CommState][] = [
    ['answers cleanly: online', {}, 'online'],
    ['needed retries or got exceptions: degraded', { lastCycleImpaired: true }, 'degraded'],
    ['last cycle failed but breaker still closed: degraded', { lastCycleFailed: true }, 'degraded'],
    ['breaker open: offline', { breakerOpen: true, lastCycleFailed: true }, 'offline'],
    ['link down after having answered: offline', { linkUp: false }, 'offline'],
    ['never answered yet: connecting', { everAnswered: false, linkUp: false }, 'connecting'],
    ['never answered and failing: offline', { everAnswered: false, lastCycleFailed: true }, 'offline'],
  ];
  for (const [name, inputs, expected] of rows) it(name, () => assert.equal(commStateOf({ ...base, ...inputs }), expected));
});
