import assert from 'node:assert/strict';
import type { AlarmEvent } from '@lifeline/twin';
import { forwardLive, type LiveMessage } from '../../../gateway/src/http/live-message.js';
import { testBus } from '../../support/event-bus.js';

describe('WebSocket live messages from the event bus', () => {
  it('maps each bus event to its wire message, in order, until stopped', () => {
    const bus = testBus();
    const sent: LiveMessage[] = [];
    const stop = forwardLive(bus, (m) => sent.push(m));
    const reading = { device: 'gas-1', point: 'lel1', value: 3, quality: 'good' as const, sourceTs: 1, rxTs: 2 };
    const event = { alarmId: 'gas-1/lel1/hihi', event: 'raise', seq: 1 } as unknown as AlarmEvent;
    bus.emit('readings', [reading]);
    bus.emit('comm', { device: 'gas-1', state: 'offline', reason: 'timeout' });
    bus.emit('comm', { device: 'gas-1', state: 'online' });
    bus.emit('alarm', event);
    stop();
    bus.emit('readings', [reading]);
    // JSON as the socket sends it: a comm without a reason carries no `reason` key.
    assert.deepEqual(
      sent.map((m) => JSON.stringify(m)),
      [
        JSON.stringify({ type: 'readings', readings: [reading] }),
        '{"type":"comm","device":"gas-1","state":"offline","reason":"timeout"}',
        '{"type":"comm","device":"gas-1","state":"online"}',
        JSON.stringify({ type: 'alarm', event }),
      ],
    );
    assert.equal(bus.listenerCount('readings'), 0);
  });
});
