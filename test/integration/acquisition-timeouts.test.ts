import assert from 'node:assert/strict';
import { AcquisitionProbe } from '../support/acquisition-probe.js';
import { PymodbusServer } from '../support/modbus-pymodbus.js';
import { type ModbusAnswer, type ModbusRequest, ModbusResponder } from '../support/modbus-responder.js';
import { loadTestSite, type TestSite } from '../support/modbus-site.js';
import { requirePythonModule } from '../support/services.js';

/** Register i of unit u holds u*100+i, unless `value` says otherwise. */
function registers(req: ModbusRequest, value?: number): ModbusAnswer {
  return { kind: 'registers', values: Array.from({ length: req.quantity }, (_, i) => value ?? req.unitId * 100 + req.address + i) };
}

/** Adaptive timeouts, late answers, probing and recovery on real sockets (docs/acquisition.md). */
describe('acquisition timeouts and probing (real sockets)', function () {
  this.timeout(30_000);
  let responder: ModbusResponder | undefined;
  let server: PymodbusServer | undefined;
  let site: TestSite | undefined;
  let probe: AcquisitionProbe | undefined;

  afterEach(async () => {
    await probe?.manager.stop();
    await responder?.stop();
    await server?.stop();
    await site?.cleanup();
    probe = undefined;
    responder = undefined;
    server = undefined;
    site = undefined;
  });

  const device = (id: string, unitId: number, port: number, timeoutMs = 500) => ({
    id,
    profile: 'test-meter',
    modbus: { host: '127.0.0.1', port, unitId, timeoutMs },
    pollIntervalMs: 100,
    acquisition: { retries: 1, backoff: { baseMs: 20, maxMs: 200 }, circuitBreaker: { failureThreshold: 2, openMs: 3000 } },
  });

  it('drops a late answer to a request cut short (by MBAP transaction id) and takes the full-timeout retry answer', async () => {
    let stall = false;
    let stalled = 0;
    responder = await ModbusResponder.start(async (req) => {
      if (stall && req.address === 0 && stalled === 0) {
        stalled += 1;
        // Far past the learned estimate (a millisecond or two), inside the 500 ms timeout; a value no retry returns.
        await new Promise((r) => setTimeout(r, 150));
        return registers(req, 7777);
      }
      return registers(req);
    });
    site = await loadTestSite([device('m', 1, responder.port)]);
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    const p = probe;
    await p.until(() => p.health('m').counters.requests >= 20, 8000, 'learned');
    const requestsBefore = responder.requests.length;
    stall = true;
    await p.until(
      () => stalled === 1 && responder !== undefined && responder.requests.length >= requestsBefore + 10,
      8000,
      'stall and polls after',
    );
    const values = p.batches.flatMap((b) => b.readings).filter((r) => r.device === 'm' && r.point === 'r0');
    assert.equal(
      values.some((r) => r.value === 7777),
      false,
      'the late answer was never taken as an answer',
    );
    assert.equal(p.latest('m', 'r0')?.value, 100);
    const h = p.health('m');
    assert.equal(h.counters.timeouts, 0, 'a cut-short request retried in full is not a failure');
    assert.equal(h.comm, 'online');
    assert.ok(values.every((r) => r.quality === 'good'));
  });

  it('probes a dead pymodbus unit with cut timeouts and still reads its neighbours every poll', async function () {
    requirePythonModule(this, 'pymodbus', 'python3-pymodbus');
    server = await PymodbusServer.start([1, 2]);
    site = await loadTestSite([device('live-1', 1, server.port), device('dead-4', 4, server.port), device('live-2', 2, server.port)]);
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    const p = probe;
    await p.until(() => p.health('dead-4').comm === 'offline', 8000, 'dead-4 offline');
    const before = p.health('dead-4').counters.requests;
    const liveBefore = p.health('live-1').counters.requests;
    await p.until(() => p.health('dead-4').counters.requests >= before + 3, 8000, 'three probes');
    const dead = p.health('dead-4');
    // Probes come about once a second (fast recovery), not every open period (3 s).
    assert.equal(dead.comm, 'offline');
    // One probe may be in flight as the counters are read.
    assert.ok(dead.counters.timeouts >= dead.counters.requests - 1, 'every probe timed out and was counted');
    const live = p.health('live-1');
    assert.equal(live.counters.timeouts, 0);
    assert.ok(live.counters.requests - liveBefore >= 10, `live-1 polled ${live.counters.requests - liveBefore} times meanwhile`);
    assert.equal(p.latest('live-2', 'r1')?.value, 2001);
  });

  it('reads a unit that comes back within about a second, not after its breaker open period', async () => {
    let alive = false;
    let seen = 0;
    let firstAnswered: number | undefined;
    responder = await ModbusResponder.start((req) => {
      if (req.unitId !== 3) return registers(req);
      seen += 1;
      if (!alive) return { kind: 'silent' };
      firstAnswered ??= seen;
      return registers(req);
    });
    site = await loadTestSite([device('back', 3, responder.port, 200), device('live', 1, responder.port, 200)]);
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    const p = probe;
    await p.until(() => p.health('back').comm === 'offline', 8000, 'offline');
    const probesBefore = seen;
    alive = true;
    await p.until(() => p.latest('back', 'r0')?.quality === 'good', 8000, 'back');
    const probes = (firstAnswered ?? Number.POSITIVE_INFINITY) - probesBefore;
    // The breaker's open period is 3 s; a probe goes at most 1 s after the last, so one (at most two on a loaded machine) finds it.
    assert.ok(probes >= 1 && probes <= 3, `${probes} requests until it was read`);
    assert.equal(p.latest('back', 'r0')?.value, 300);
  });
});
