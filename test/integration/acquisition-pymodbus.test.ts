import assert from 'node:assert/strict';
import { isLifelineError } from '../../gateway/src/errors.js';
import { AcquisitionProbe } from '../support/acquisition-probe.js';
import { PymodbusServer } from '../support/modbus-pymodbus.js';
import { loadTestSite, type TestSite } from '../support/modbus-site.js';
import { requirePythonModule } from '../support/services.js';

describe('acquisition against an independent pymodbus server', function () {
  this.timeout(30_000);
  let server: PymodbusServer | undefined;
  let site: TestSite | undefined;
  let probe: AcquisitionProbe | undefined;

  beforeEach(function () {
    requirePythonModule(this, 'pymodbus', 'python3-pymodbus');
  });

  afterEach(async () => {
    await probe?.manager.stop();
    await server?.stop();
    await site?.cleanup();
    probe = undefined;
    server = undefined;
    site = undefined;
  });

  const device = (id: string, unitId: number, port: number, extra: Record<string, unknown> = {}) => ({
    id,
    profile: 'test-meter',
    modbus: { host: '127.0.0.1', port, unitId, timeoutMs: 300 },
    pollIntervalMs: 200,
    acquisition: { retries: 1, circuitBreaker: { failureThreshold: 2, openMs: 3000 } },
    ...extra,
  });

  it('keeps live units on schedule while a dead unit on the same connection never answers', async () => {
    server = await PymodbusServer.start([1, 2, 3]);
    const port = server.port;
    site = await loadTestSite([device('live-1', 1, port), device('live-2', 2, port), device('dead-4', 4, port), device('live-3', 3, port)]);
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    const p = probe;
    await p.until(() => p.latest('live-3', 'r10')?.value === 3010, 5000, 'live-3 values');
    assert.equal(p.latest('live-1', 'r0')?.value, 1000);
    assert.equal(p.latest('live-2', 'r1')?.value, 2001);
    await p.until(() => p.comm.some((c) => c.device === 'dead-4' && c.state === 'offline'), 5000, 'dead-4 offline');
    const since = performance.now();
    await new Promise((r) => setTimeout(r, 3000));

    // One merged request per poll for r0, r1, r10 (gap 9 ≤ 16) and one for the set-point at 100.
    for (const id of ['live-1', 'live-2', 'live-3']) {
      const polls = p.batches.filter((b) => b.at >= since && b.readings[0]?.device === id && b.readings.every((r) => r.quality === 'good'));
      const periods = polls.slice(1).map((b, i) => b.at - (polls[i] as { at: number }).at);
      assert.ok(polls.length >= 10, `${id} polled ${polls.length} times in 3 s`);
      // Nominal 200 ms; a dead unit may hold the bus for one 300 ms timeout (never two: 800 ms);
      // 200 ms of slack for a loaded machine.
      const worst = Math.max(...periods);
      assert.ok(worst <= 200 + 300 + 200, `${id} worst period ${worst.toFixed(0)} ms`);
      assert.equal(p.health(id).comm, 'online');
    }
    const dead = p.health('dead-4');
    assert.equal(dead.comm, 'offline');
    assert.equal(dead.breaker === 'open' || dead.breaker === 'half-open', true);
    assert.ok(dead.counters.timeouts >= 2, 'timeouts counted');
    assert.equal(dead.counters.requests, dead.counters.timeouts, 'every request to the dead unit timed out');
    // The breaker keeps the dead unit to a probe every few seconds, not a request per poll.
    assert.ok(dead.counters.requests <= 8, `dead unit got ${dead.counters.requests} requests`);
    assert.equal(p.latest('dead-4', 'r0')?.quality, 'bad');
    assert.match(p.latest('dead-4', 'r0')?.reason ?? '', /did not answer/);
    const live = p.health('live-1');
    assert.ok(live.counters.requests > 20);
    // Every answer is a latency sample; not the request in flight, nor one cut short by its adaptive timeout on a loaded machine (retried in full).
    assert.ok(live.counters.requests - live.latency.count <= 3, `${live.latency.count} samples of ${live.counters.requests} requests`);
    assert.equal(live.counters.timeouts, 0);
  });

  it('writes with read-back, and refuses writes it cannot make', async () => {
    server = await PymodbusServer.start([1]);
    site = await loadTestSite([device('m1', 1, server.port), device('gone', 9, server.port)]);
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    const p = probe;
    await p.until(() => p.latest('m1', 'sp')?.value === 1100, 5000, 'first poll');
    await p.manager.writePoint('m1', 'sp', 4321);
    await p.manager.writePoint('m1', 'relay', true);
    assert.equal(p.latest('m1', 'sp')?.value, 4321, 'the read-back is published as a reading');
    await p.until(
      () => p.batches.some((b) => b.readings.length > 1 && b.readings.some((r) => r.point === 'relay' && r.value === true)),
      3000,
      'relay polled on',
    );
    assert.equal(p.health('m1').counters.writes, 2);

    await assert.rejects(p.manager.writePoint('m1', 'r0', 1), (e) => isLifelineError(e, 'LL_ERR_WRITE_NOT_WRITABLE'));
    await assert.rejects(p.manager.writePoint('m1', 'nope', 1), (e) => isLifelineError(e, 'LL_ERR_UNKNOWN_POINT'));
    await p.until(() => p.health('gone').comm === 'offline', 5000, 'gone offline');
    await assert.rejects(p.manager.writePoint('gone', 'sp', 1), (e) => isLifelineError(e, 'LL_ERR_DEVICE_OFFLINE'));
  });
});
