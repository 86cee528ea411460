import assert from 'node:assert/strict';
import type { AlarmState } from '@lifeline/twin';
import { type LifecycleInput, nextLifecycle } from '../../../gateway/src/alarms/lifecycle.js';

const rows: [AlarmState, LifecycleInput, AlarmState][] = [
  ['normal', 'condition-active', 'unacknowledged'],
  ['unacknowledged', 'condition-cleared', 'returned-unacknowledged'],
  ['unacknowledged', 'ack', 'acknowledged'],
  ['acknowledged', 'condition-cleared', 'normal'],
  ['acknowledged', 'condition-active', 'acknowledged'],
  ['returned-unacknowledged', 'ack', 'normal'],
  ['returned-unacknowledged', 'condition-active', 'unacknowledged'],
  ['normal', 'ack', 'normal'],
];

describe('ISA-18.2 alarm lifecycle', () => {
  for (const [start, input, expected] of rows) {
    it(`${start} + ${input} → ${expected}`, () => assert.equal(nextLifecycle(start, input), expected));
  }
});
