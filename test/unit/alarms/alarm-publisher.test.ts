import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AlarmPublisher } from '../../../gateway/src/alarms/alarm-publisher.js';
import type { AlarmTransition } from '../../../gateway/src/alarms/alarm-transition.js';

describe('AlarmPublisher', () => {
  it('stamps seq and publishedAt from the injected clock and commits to the alarm lane', () => {
    const enqueue = sinon.spy();
    const publisher = new AlarmPublisher(
      { site: 's', gateway: 'g', bootId: 'b' },
      'topic/alarms',
      { enqueue },
      { now: () => Date.UTC(2026, 0, 2) },
    );
    const transition = { alarmId: 'gas-1/lel1/hihi', event: 'raise' } as AlarmTransition;
    const first = publisher.publish(transition);
    const second = publisher.publish(transition);
    assert.deepEqual([first.seq, second.seq], [1, 2]);
    assert.equal(first.publishedAt, '2026-01-02T00:00:00.000Z');
    assert.deepEqual(enqueue.firstCall.args, [{ lane: 'alarm', topic: 'topic/alarms', payload: JSON.stringify(first) }]);
  });
});
