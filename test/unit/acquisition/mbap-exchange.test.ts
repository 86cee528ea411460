import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { LateAnswers } from '../../../gateway/src/transports/late-answers.js';
import { MbapExchange, type RequestPort } from '../../../gateway/src/transports/mbap-exchange.js';
import { encodeMbap } from '../../../gateway/src/transports/mbap-framing.js';
import { MbapPort, type MbapRequest } from '../../../gateway/src/transports/mbap-port.js';

/** A port stand-in: keeps what was sent by transaction id, answers on demand. */
class FakePort implements RequestPort {
  readonly sent = new Map<number, { adu: Buffer; request: MbapRequest }>();
  readonly retired: number[] = [];
  #next = 1;
  send(adu: Buffer, request: MbapRequest): number {
    const tid = this.#next++;
    adu.writeUInt16BE(tid, 0);
    this.sent.set(tid, { adu, request });
    return tid;
  }
  retire(tid: number): void {
    this.retired.push(tid);
  }
  abandon(tid: number, e: Error): void {
    this.retire(tid);
    this.sent.get(tid)?.request.fail(e);
  }
  answer(tid: number, unitId: number, ...pdu: number[]): void {
    this.sent.get(tid)?.request.answer(unitId, Buffer.from(pdu));
  }
}

describe('MbapExchange: one exchange’s Modbus TCP requests, without modbus-serial', () => {
  it('reads registers and bits, bound to its unit id, and retires its ids when over', async () => {
    const port = new FakePort();
    const x = new MbapExchange(port, 5, new LateAnswers(1000));
    const regs = x.readHoldingRegisters(0, 2);
    port.answer(1, 5, 3, 4, 0, 42, 0, 7);
    assert.deepEqual((await regs).data, [42, 7]);
    const coils = x.readCoils(0, 2);
    port.answer(2, 5, 1, 1, 0b10);
    assert.deepEqual((await coils).data.slice(0, 2), [false, true]);
    assert.equal(port.sent.get(1)?.adu[6], 5, 'the unit id is the exchange’s');
    x.end();
    assert.deepEqual(port.retired, [1, 2]);
  });

  it('rejects an exception answer with its code, and a wrong answer as modbus-serial words it', async () => {
    const port = new FakePort();
    const x = new MbapExchange(port, 5, new LateAnswers(1000));
    const refused = x.writeRegister(1, 3);
    port.answer(1, 5, 0x86, 2);
    await assert.rejects(refused, (e: { modbusCode?: number }) => e.modbusCode === 2);
    const wrongUnit = x.readInputRegisters(0, 1);
    port.answer(2, 6, 4, 2, 0, 1);
    await assert.rejects(wrongUnit, /Unexpected data error, expected address 5 got 6/);
  });

  it('once expired, fails what it has in flight and every later request', async () => {
    const port = new FakePort();
    const x = new MbapExchange(port, 5, new LateAnswers(1000));
    const inFlight = x.readHoldingRegisters(0, 1);
    x.expire(new Error('Timed out'));
    await assert.rejects(inFlight, /Timed out/);
    await assert.rejects(x.writeCoil(0, true), /Timed out/);
    assert.equal(port.sent.size, 1, 'nothing sent after the expiry');
    assert.deepEqual(port.retired, [1]);
  });

  it('marks each id it sends as issued, so an old watch on that id is not taken for a late answer', () => {
    const late = new LateAnswers(1000);
    const seen: number[] = [];
    late.watch(1, 0, (r) => seen.push(r), 0);
    void new MbapExchange(new FakePort(), 5, late).readHoldingRegisters(0, 1);
    late.arrived(1, 10);
    assert.deepEqual(seen, []);
  });

  it('reads device identification across answers while more follows, and stops a stream that does not move on', async () => {
    const port = new FakePort();
    const x = new MbapExchange(port, 5, new LateAnswers(1000));
    const id = x.readDeviceIdentification(1, 0);
    port.answer(1, 5, 0x2b, 0x0e, 1, 1, 0xff, 1, 1, 0, 4, ...Buffer.from('ACME'));
    for (let turns = 0; turns < 10 && !port.sent.has(2); turns++) await Promise.resolve();
    assert.equal(port.sent.get(2)?.adu[10], 1, 'asks from the next object id');
    port.answer(2, 5, 0x2b, 0x0e, 1, 1, 0xff, 1, 1, 1, 2, ...Buffer.from('G4'));
    assert.deepEqual(await id, { data: { 0: 'ACME', 1: 'G4' }, conformityLevel: 1 });
    assert.equal(port.sent.size, 2, 'next object id 1 again: no third request');
  });
});

describe('MbapPort against a raw socket peer', () => {
  let server: Server | undefined;
  let port: MbapPort | undefined;
  afterEach(async () => {
    port?.destroy();
    server?.close();
    port = undefined;
    server = undefined;
  });

  /** A peer that hands every request's bytes to `onRequest`, and the port on it. */
  async function connect(onRequest: (socket: Socket, adu: Buffer) => void) {
    const events: string[] = [];
    server = createServer((socket) => socket.on('data', (adu) => onRequest(socket, adu)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address() as { port: number };
    const p = new MbapPort('127.0.0.1', address.port, 1000, {
      discarded: (reason) => events.push(`discarded ${reason}`),
      late: (tid) => events.push(`late ${tid}`),
    });
    port = p;
    await new Promise<void>((resolve, reject) => p.open((err) => (err ? reject(err) : resolve())));
    return { port: p, events };
  }

  function request(p: MbapPort, unit = 5): { tid: number; answer: Promise<string> } {
    let tid = 0;
    const answer = new Promise<string>((resolve) => {
      const adu = Buffer.from([0, 0, 0, 0, 0, 6, unit, 3, 0, 0, 0, 1]);
      tid = p.send(adu, {
        answer: (u, pdu) => resolve(`unit ${u} pdu ${pdu.toString('hex')}`),
        fail: (e) => resolve(`failed ${e.message}`),
      });
    });
    return { tid, answer };
  }

  it('stamps its transaction ids on the request and frames an answer split across chunks', async () => {
    const { port: p } = await connect((socket, adu) => {
      const answer = encodeMbap(adu.readUInt16BE(0), adu[6] as number, Buffer.from([3, 2, 0, 42]));
      socket.write(answer.subarray(0, 5));
      setTimeout(() => socket.write(answer.subarray(5)), 5);
    });
    const r = request(p);
    assert.equal(r.tid, 1);
    assert.equal(await r.answer, 'unit 5 pdu 0302002a');
  });

  it('frames two answers and the start of a third from one chunk, and the third when its rest comes', async () => {
    let peer: Socket | undefined;
    const { port: p } = await connect((socket) => {
      peer = socket;
    });
    const [a, b, c] = [request(p), request(p), request(p)];
    await new Promise((resolve) => setTimeout(resolve, 10));
    const third = encodeMbap(c.tid, 5, Buffer.from([3, 2, 0, 3]));
    const first = Buffer.from([3, 2, 0, 1]);
    peer?.write(Buffer.concat([encodeMbap(b.tid, 5, Buffer.from([3, 2, 0, 2])), encodeMbap(a.tid, 5, first), third.subarray(0, 8)]));
    assert.deepEqual(await Promise.all([a.answer, b.answer]), ['unit 5 pdu 03020001', 'unit 5 pdu 03020002']);
    peer?.write(third.subarray(8));
    assert.equal(await c.answer, 'unit 5 pdu 03020003');
  });

  it('drops an answer to a retired id as late, and fails what is in flight on a broken header and on close', async () => {
    let peer: Socket | undefined;
    const { port: p, events } = await connect((socket) => {
      peer = socket;
    });
    const first = request(p);
    await new Promise((resolve) => setTimeout(resolve, 10));
    p.retire(first.tid);
    const second = request(p);
    peer?.write(encodeMbap(first.tid, 5, Buffer.from([3, 2, 0, 1])));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(events, ['late 1']);
    // Protocol id 7: the stream is out of step, what is in flight fails as a framing error.
    peer?.write(Buffer.from([0, 2, 0, 7, 0, 5, 5, 3, 2, 0, 1]));
    assert.equal(await second.answer, 'failed Bad response framing: MBAP protocol id 7, not 0 (Modbus)');
    const third = request(p);
    peer?.destroy();
    assert.equal(await third.answer, 'failed Port closed by the peer');
    assert.equal(request(p).tid, 0, 'a closed port sends nothing');
  });
});
