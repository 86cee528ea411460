import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { systemClock } from '../../core/src/time/clock.js';
import { ModbusConnection } from '../../gateway/src/transports/modbus-connection.js';
import { TCP_LINK } from '../support/modbus-links.js';

/**
 * A Modbus TCP unit on its own event loop (a worker thread), so it answers
 * while the test's loop is blocked — as a real device does while the gateway
 * is in a GC pause. It answers every read of holding registers with 42 after
 * `delayMs`, and counts the answers it has written in `written` (Atomics), so
 * the test knows an answer is in the socket without reading it.
 */
const UNIT = `
const { createServer } = require('node:net');
const { workerData, parentPort } = require('node:worker_threads');
const written = new Int32Array(workerData.written);
const server = createServer((socket) => {
  let rx = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    rx = Buffer.concat([rx, chunk]);
    while (rx.length >= 12) {
      const tid = rx.readUInt16BE(0);
      const unit = rx[6];
      rx = rx.subarray(12);
      const answer = Buffer.from([tid >> 8, tid & 255, 0, 0, 0, 5, unit, 3, 2, 0, 42]);
      setTimeout(() => socket.write(answer, () => Atomics.add(written, 0, 1)), workerData.delayMs);
    }
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

async function startUnit(delayMs: number): Promise<{ port: number; written: Int32Array; stop(): Promise<number> }> {
  const shared = new SharedArrayBuffer(4);
  const worker = new Worker(UNIT, { eval: true, workerData: { written: shared, delayMs } });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { port, written: new Int32Array(shared), stop: () => worker.terminate() };
}

/** Blocks this event loop (a stand-in for a GC pause or a long synchronous write) until `until()` holds; false if it never did. */
function stall(until: () => boolean): boolean {
  const limit = performance.now() + 5000;
  while (performance.now() < limit) if (until()) return true;
  return false;
}

describe('Modbus TCP timeouts and this process’s own stalls (issue 19)', () => {
  let unit: Awaited<ReturnType<typeof startUnit>> | undefined;
  let connection: ModbusConnection | undefined;

  afterEach(async () => {
    await connection?.close();
    await unit?.stop();
    connection = undefined;
    unit = undefined;
  });

  async function connect(delayMs: number): Promise<ModbusConnection> {
    unit = await startUnit(delayMs);
    connection = new ModbusConnection({ ...TCP_LINK, host: '127.0.0.1', port: unit.port }, systemClock);
    await connection.open();
    return connection;
  }

  it('takes an answer that arrived while this process was stalled past the timeout, instead of timing it out', async () => {
    const c = await connect(0);
    const written = unit?.written as Int32Array;
    let stalled = false;
    const result = await c.transact(1, 20, (client) => {
      const sent = performance.now();
      const reply = client.readHoldingRegisters(0, 1);
      // Right after the request is written, the unit answers and the timeout falls due while this loop cannot read.
      stalled = stall(() => Atomics.load(written, 0) === 1 && performance.now() - sent > 40);
      return reply;
    });
    assert.ok(stalled, 'the unit answered during the stall');
    assert.deepEqual(result.data, [42]);
  });

  it('times the late answer to a request given up, for the response timer', async () => {
    const c = await connect(60);
    let late: (rttMs: number) => void = () => undefined;
    const lateRtt = new Promise<number>((resolve) => {
      late = resolve;
    });
    await assert.rejects(
      c.transact(1, 20, (client) => client.readHoldingRegisters(0, 1), late),
      /Timed out/,
    );
    const rtt = await lateRtt;
    // Given up at 20 ms, answered after the unit's 60 ms: the round trip is the answer's, not the timeout's.
    assert.ok(rtt > 20 && rtt < TCP_LINK.timeoutMs, `late answer timed at ${rtt.toFixed(1)} ms`);
  });
});
