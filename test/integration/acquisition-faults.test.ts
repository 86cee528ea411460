import assert from 'node:assert/strict';
import { isLifelineError } from '../../gateway/src/errors.js';
import { AcquisitionProbe } from '../support/acquisition-probe.js';
import { type ModbusAnswer, type ModbusRequest, ModbusResponder, readResponse } from '../support/modbus-responder.js';
import { loadTestSite, type TestSite } from '../support/modbus-site.js';

const HEALTHY = 20;

/** Register i of unit u holds u*100+i; writes are stored per unit. */
function healthy(req: ModbusRequest, store: Map<string, number>): ModbusAnswer {
  if (req.functionCode === 5 || req.functionCode === 6) {
    store.set(`${req.unitId}/${req.functionCode === 5 ? 'c' : 'h'}${req.address}`, req.value ?? 0);
    return { kind: 'echo' };
  }
  const table = req.functionCode === 1 ? 'c' : 'h';
  const values = Array.from({ length: req.quantity }, (_, i) => {
    const stored = store.get(`${req.unitId}/${table}${req.address + i}`);
    if (stored !== undefined) return table === 'c' ? Number(stored === 0xff00) : stored;
    return table === 'c' ? 0 : req.unitId * 100 + req.address + i;
  });
  return { kind: 'registers', values };
}

describe('acquisition through Modbus faults (raw-socket responder)', function () {
  this.timeout(30_000);
  let responder: ModbusResponder | undefined;
  let site: TestSite | undefined;
  let probe: AcquisitionProbe | undefined;

  afterEach(async () => {
    await probe?.manager.stop();
    await responder?.stop();
    await site?.cleanup();
    probe = undefined;
    responder = undefined;
    site = undefined;
  });

  const device = (id: string, unitId: number, port: number, framing: 'tcp' | 'rtu-over-tcp' = 'tcp') => ({
    id,
    profile: 'test-meter',
    modbus: { host: '127.0.0.1', port, unitId, framing, timeoutMs: 250 },
    pollIntervalMs: 100,
    acquisition: { retries: 1, backoff: { baseMs: 20, maxMs: 200 }, circuitBreaker: { failureThreshold: 3, openMs: 500 } },
  });

  async function start(
    handler: (req: ModbusRequest, store: Map<string, number>) => ModbusAnswer,
    units: [string, number][],
    framing: 'tcp' | 'rtu-over-tcp' = 'tcp',
  ) {
    const store = new Map<string, number>();
    responder = await ModbusResponder.start((req) => handler(req, store), framing === 'tcp' ? 'tcp' : 'rtu');
    const port = responder.port;
    site = await loadTestSite(units.map(([id, unit]) => device(id, unit, port, framing)));
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    return probe;
  }

  it('handles every Modbus exception code: bad with the reason, counted, neighbours unaffected', async () => {
    const codes = [1, 2, 3, 4, 5, 6, 8, 10, 11];
    const p = await start(
      (req, store) => (codes.includes(req.unitId) ? { kind: 'exception', code: req.unitId } : healthy(req, store)),
      [...codes.map((c): [string, number] => [`ex-${c}`, c]), ['ok', HEALTHY]],
    );
    await p.until(() => codes.every((c) => p.latest(`ex-${c}`, 'r0')?.quality === 'bad'), 8000, 'every exception seen');
    for (const c of codes) {
      const r = p.latest(`ex-${c}`, 'r0');
      assert.match(r?.reason ?? '', new RegExp(`exception ${c} \\(`), `code ${c}: ${r?.reason}`);
      assert.equal(r?.value, undefined);
      assert.ok(p.health(`ex-${c}`).counters.exceptions > 0);
    }
    // Busy / acknowledge / gateway codes are retried; a wrong register map is not.
    await p.until(() => [5, 6, 10, 11].every((c) => p.health(`ex-${c}`).counters.retries > 0), 5000, 'transient retried');
    for (const c of [1, 2, 3, 4, 8]) assert.equal(p.health(`ex-${c}`).counters.retries, 0, `code ${c} not retried`);
    assert.equal(p.health('ex-2').comm, 'degraded', 'a unit that answers with exceptions is degraded, not offline');
    await p.until(() => p.health('ex-6').comm === 'offline', 5000, 'a unit that stays busy goes offline');
    assert.equal(p.latest('ok', 'r10')?.value, HEALTHY * 100 + 10);
    assert.equal(p.health('ok').comm, 'online');
  });

  it('marks malformed answers bad with the reason and counts them: wrong unit id, wrong function code, short frame', async () => {
    const p = await start(
      (req, store) => {
        if (req.unitId === 31) return { kind: 'pdu', pdu: readResponse(req.functionCode, new Array(req.quantity).fill(1)), unitId: 99 };
        if (req.unitId === 32) return { kind: 'pdu', pdu: readResponse(4, new Array(req.quantity).fill(1)) };
        if (req.unitId === 33) return { kind: 'pdu', pdu: Buffer.from([req.functionCode, 4, 0, 1]) };
        return healthy(req, store);
      },
      [
        ['wrong-unit', 31],
        ['wrong-fc', 32],
        ['short', 33],
        ['ok', HEALTHY],
      ],
    );
    await p.until(() => ['wrong-unit', 'wrong-fc', 'short'].every((d) => p.health(d).counters.badFrames >= 2), 8000, 'bad frames counted');
    for (const d of ['wrong-unit', 'wrong-fc', 'short']) {
      const r = p.latest(d, 'r0');
      assert.equal(r?.quality, 'bad');
      assert.match(r?.reason ?? '', /malformed answer|did not answer/, `${d}: ${r?.reason}`);
    }
    assert.equal(p.latest('ok', 'r1')?.value, HEALTHY * 100 + 1);
    assert.equal(p.latest('ok', 'r1')?.quality, 'good');
  });

  it('reads RTU over TCP and rejects a bad CRC', async () => {
    const p = await start(
      (req, store) =>
        req.unitId === 41
          ? { kind: 'pdu', pdu: readResponse(req.functionCode, new Array(req.quantity).fill(7)), badCrc: true }
          : healthy(req, store),
      [
        ['bad-crc', 41],
        ['ok', HEALTHY],
      ],
      'rtu-over-tcp',
    );
    await p.until(() => p.latest('ok', 'r10')?.value === HEALTHY * 100 + 10, 5000, 'rtu values');
    await p.until(() => p.latest('bad-crc', 'r0')?.quality === 'bad', 5000, 'bad crc rejected');
    assert.equal(p.readings.filter((r) => r.device === 'bad-crc' && r.quality === 'good').length, 0, 'no value from a bad CRC');
    const h = p.health('bad-crc');
    assert.ok(h.counters.badFrames + h.counters.timeouts > 0);
    await p.manager.writePoint('ok', 'sp', 42);
    assert.equal(p.latest('ok', 'sp')?.value, 42);
  });

  it('a slow unit holds the bus for at most its own answer time: a fast neighbour stays within one timeout of nominal', async () => {
    const p = await start(
      (req, store) => healthy(req, store),
      [
        ['slow', 7],
        ['fast', HEALTHY],
      ],
    );
    (responder as ModbusResponder).handler = async (req) => {
      // Unit 7 answers each request after 200 ms, inside its 250 ms timeout.
      if (req.unitId === 7) await new Promise((r) => setTimeout(r, 200));
      return healthy(req, new Map());
    };
    await p.until(() => p.health('slow').counters.requests >= 6, 8000, 'slow unit polled');
    const since = performance.now();
    await p.until(() => performance.now() - since > 2000, 3000, 'two seconds');
    const polls = p.batches.filter((b) => b.at >= since && b.readings[0]?.device === 'fast' && b.readings.length > 1).map((b) => b.at);
    const worst = Math.max(...polls.slice(1).map((t, i) => t - (polls[i] as number)));
    assert.ok(polls.length >= 5, `fast polled ${polls.length} times`);
    assert.ok(worst <= 100 + 250 + 200, `fast worst period ${worst.toFixed(0)} ms`);
    assert.equal(p.health('slow').counters.timeouts, 0);
    assert.equal(p.latest('slow', 'r0')?.quality, 'good');
    const slowBucket = p.health('slow').latency;
    assert.ok(slowBucket.sumMs / slowBucket.count >= 150, 'the latency histogram sees the slow answers');
  });

  it('survives a dropped TCP link: points bad, then reconnected and good again', async () => {
    const store = new Map<string, number>();
    const p = await start((req) => healthy(req, store), [['m', HEALTHY]]);
    await p.until(() => p.latest('m', 'r0')?.quality === 'good', 5000, 'first poll');
    const port = (responder as ModbusResponder).port;
    // The link drops and stays down for a while: the server is gone, then returns on the same port.
    await responder?.stop();
    await p.until(() => p.latest('m', 'r0')?.quality === 'bad', 5000, 'bad after the drop');
    assert.match(p.latest('m', 'r0')?.reason ?? '', /ECONNRESET|ECONNREFUSED|Port Not Open|closed/);
    responder = await ModbusResponder.start((req) => healthy(req, store), 'tcp', port);
    await p.until(() => p.health('m').counters.reconnects >= 1 && p.latest('m', 'r0')?.quality === 'good', 10_000, 'reconnected');
    assert.ok(
      p.comm.some((c) => c.device === 'm' && c.state === 'offline'),
      'offline while the link was down',
    );
    assert.equal(p.health('m').comm, 'online');
  });

  it('verifies writes by read-back: mismatch and refusal are coded errors', async () => {
    const p = await start(
      (req, store) => {
        if (req.functionCode === 6 && req.address === 100 && (req.value ?? 0) > 1000) return { kind: 'exception', code: 3 };
        if (req.functionCode === 6) return { kind: 'echo' }; // accepted but never stored: read-back shows the old value
        return healthy(req, store);
      },
      [['m', HEALTHY]],
    );
    await p.until(() => p.latest('m', 'sp')?.quality === 'good', 5000, 'first poll');
    await assert.rejects(
      p.manager.writePoint('m', 'sp', 5),
      (e) => isLifelineError(e, 'LL_ERR_WRITE_MISMATCH') && /read back 2100/.test(e.message),
    );
    await assert.rejects(p.manager.writePoint('m', 'sp', 5000), (e) => isLifelineError(e, 'LL_ERR_WRITE_REFUSED'));
    await p.manager.writePoint('m', 'relay', true);
    assert.equal(p.latest('m', 'relay')?.value, true);
    const h = p.health('m');
    assert.equal(h.counters.writeFailures, 2);
    assert.equal(h.counters.writes, 2, 'the mismatched write counts as sent, then failed');
  });
});
