import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Clock, SparkplugLink, TimerHandle } from '../../../core/src/index.js';
import { SparkplugConnection } from '../../../gateway/src/sparkplug/sparkplug-connection.js';
import { eventually } from '../../support/durable-collector.js';
import { freePort } from '../../support/ports.js';

/** A clock whose timers fire only when the test says so. */
class ManualClock implements Clock {
  readonly timers = new Map<number, { fn: () => void; ms: number }>();
  #id = 0;
  now(): number {
    return 0;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.#id += 1;
    this.timers.set(this.#id, { fn, ms });
    return this.#id as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }
  fireAll(): void {
    const due = [...this.timers.entries()];
    this.timers.clear();
    for (const [, t] of due) t.fn();
  }
}

/**
 * The connection owns its reconnect timer (on the gateway's clock) and asks for
 * a new Will, so a new bdSeq, on every CONNECT attempt (§5.2); stop() leaves no timer.
 */
describe('Sparkplug connection: reconnects on an owned clock, a new Will per CONNECT', () => {
  it('retries only when its clock says so, calling will() once per attempt, and stop() clears the timer', async () => {
    const port = await freePort(); // nothing listens: every CONNECT is refused at once
    const link = {
      url: `mqtt://127.0.0.1:${port}`,
      protocolVersion: 4,
      clientId: 'c',
      groupId: 'g',
      edgeNodeId: 'n',
      writes: [],
    } as SparkplugLink;
    const clock = new ManualClock();
    let wills = 0;
    const connection = new SparkplugConnection(
      {
        link,
        clock,
        log: pino({ level: 'silent' }),
        will: () => {
          wills += 1;
          return { topic: 'spBv1.0/g/NDEATH/n', payload: Buffer.from([wills]) };
        },
        filters: [],
        backoff: { baseMs: 1000, maxMs: 8000 },
      },
      { connected: () => assert.fail('nothing listens'), disconnected: () => undefined, message: () => undefined },
    );
    connection.start();
    await eventually('a reconnect scheduled on the clock', () => clock.timers.size === 1);
    assert.equal(wills, 1);
    const [first] = [...clock.timers.values()];
    assert.ok((first?.ms ?? 0) >= 500 && (first?.ms ?? 0) <= 2000, `backoff of attempt 1 within its policy: ${first?.ms}`);
    clock.fireAll();
    assert.equal(wills, 2, 'the second CONNECT asked for a new Will');
    await eventually('the next reconnect scheduled', () => clock.timers.size === 1);
    await connection.stop({ topic: 'x', payload: Buffer.alloc(0) });
    assert.equal(clock.timers.size, 0, 'stop() leaves no timer');
    assert.equal(connection.connected, false);
  });
});
