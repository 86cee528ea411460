import assert from 'node:assert/strict';
import sinon from 'sinon';
import { EventBus } from '../../../gateway/src/events/event-bus.js';

interface TestEvents {
  readonly tick: number;
  readonly name: string;
}

describe('EventBus', () => {
  let onError: sinon.SinonSpy;
  let bus: EventBus<TestEvents>;

  beforeEach(() => {
    onError = sinon.spy();
    bus = new EventBus<TestEvents>(onError);
  });

  it('delivers synchronously, in subscription order, only to listeners of that event', () => {
    const seen: string[] = [];
    bus.on('tick', (n) => seen.push(`a${n}`));
    bus.on('name', (s) => seen.push(`name:${s}`));
    bus.on('tick', (n) => seen.push(`b${n}`));
    bus.emit('tick', 1);
    seen.push('after');
    bus.emit('tick', 2);
    assert.deepEqual(seen, ['a1', 'b1', 'after', 'a2', 'b2']);
  });

  it('a listener that throws is reported and the ones after it still run', () => {
    const error = new Error('boom');
    const later = sinon.spy();
    bus.on('tick', () => {
      throw error;
    });
    bus.on('tick', later);
    assert.doesNotThrow(() => bus.emit('tick', 7));
    assert.deepEqual(later.args, [[7]]);
    assert.deepEqual(onError.args, [[error, 'tick']]);
  });

  it('unsubscribes, idempotently, without touching other listeners', () => {
    const a = sinon.spy();
    const b = sinon.spy();
    const offA = bus.on('tick', a);
    bus.on('tick', b);
    offA();
    offA();
    bus.emit('tick', 3);
    assert.equal(a.callCount, 0);
    assert.deepEqual(b.args, [[3]]);
    assert.equal(bus.listenerCount('tick'), 1);
  });

  it('a listener unsubscribing during delivery does not make the next one miss the event', () => {
    const b = sinon.spy();
    const off = bus.on('tick', () => off());
    bus.on('tick', b);
    bus.emit('tick', 4);
    bus.emit('tick', 5);
    assert.deepEqual(b.args, [[4], [5]]);
    assert.equal(bus.listenerCount('tick'), 1);
  });

  it('an event nobody listens to is a no-op', () => {
    assert.doesNotThrow(() => bus.emit('name', 'x'));
    assert.equal(onError.callCount, 0);
  });
});
