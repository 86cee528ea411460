import assert from 'node:assert/strict';
import sinon from 'sinon';
import { systemClock } from '../../../core/src/time/clock.js';
import { BusPump } from '../../../gateway/src/acquisition/modbus/bus-pump.js';

describe('bus pump: one run at a time, woken by its own timer', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => clock.restore());

  it('runs again after the delay a run returns', async () => {
    const runs: number[] = [];
    const pump = new BusPump(
      systemClock,
      async () => {
        runs.push(Date.now());
        return 100;
      },
      () => {},
    );
    pump.start();
    await clock.tickAsync(250);
    assert.deepEqual(runs, [1_000_000, 1_000_100, 1_000_200]);
    await pump.stop();
  });

  it('a kick during a run starts one more run when it ends, never two at once', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    let release: () => void = () => {};
    const pump = new BusPump(
      systemClock,
      async () => {
        runs += 1;
        active += 1;
        most = Math.max(most, active);
        if (runs === 1) await new Promise<void>((r) => (release = r));
        active -= 1;
        return Number.POSITIVE_INFINITY;
      },
      () => {},
    );
    pump.start();
    pump.kick();
    pump.kick();
    assert.equal(runs, 1);
    release();
    await clock.tickAsync(0);
    assert.equal(runs, 2, 'the kicks made one more run');
    assert.equal(most, 1);
    await pump.stop();
  });

  it('retries a failed run after a second and reports the error', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const pump = new BusPump(
      systemClock,
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('boom');
        return Number.POSITIVE_INFINITY;
      },
      (e) => errors.push(e),
    );
    pump.start();
    await clock.tickAsync(999);
    assert.equal(runs, 1);
    await clock.tickAsync(1);
    assert.equal(runs, 2);
    assert.equal((errors[0] as Error).message, 'boom');
    await pump.stop();
  });

  it('stop clears the timer and waits for the run in flight', async () => {
    let ended = false;
    let runs = 0;
    const pump = new BusPump(
      systemClock,
      async () => {
        runs += 1;
        await new Promise((r) => setTimeout(r, 50));
        ended = true;
        return 10;
      },
      () => {},
    );
    pump.start();
    const stopped = pump.stop();
    await clock.tickAsync(50);
    await stopped;
    assert.ok(ended, 'stop resolved after the run ended');
    assert.equal(clock.countTimers(), 0, 'no timer left behind');
    pump.kick();
    assert.equal(runs, 1, 'a stopped pump does not run');
  });
});
