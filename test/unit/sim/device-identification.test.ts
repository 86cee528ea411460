import assert from 'node:assert/strict';
import { withCrc } from '../../../firmware-sim/src/modbus/crc16.js';
import { answerDeviceIdentification } from '../../../firmware-sim/src/modbus/device-identification.js';
import { FrameReader } from '../../../firmware-sim/src/modbus/frames.js';
import type { ModbusException } from '../../../firmware-sim/src/simulated-device.js';

const IDENTITY = new Map([
  [0, 'Lifeline firmware-sim'],
  [1, 'water-station'],
  [2, '0.1'],
  [4, 'Water station (4–20 mA)'],
]);

/** Objects of an answer PDU: [id, text] pairs after the 7-byte header (Modbus App Protocol V1.1b3 §6.21). */
function objects(pdu: Buffer): [number, string][] {
  const out: [number, string][] = [];
  let at = 7;
  for (let i = 0; i < (pdu[6] ?? 0); i++) {
    const len = pdu[at + 1] ?? 0;
    out.push([pdu[at] ?? 0, pdu.subarray(at + 2, at + 2 + len).toString('latin1')]);
    at += 2 + len;
  }
  return out;
}

describe('simulator: Read Device Identification (function 43 / MEI 14)', () => {
  it('streams the basic and regular objects in ASCII, and one object on individual access', () => {
    const basic = answerDeviceIdentification(IDENTITY, Buffer.from([0x2b, 0x0e, 1, 0]));
    assert.deepEqual([...basic.subarray(0, 7)], [0x2b, 0x0e, 1, 0x82, 0, 0, 3]);
    assert.deepEqual(objects(basic), [
      [0, 'Lifeline firmware-sim'],
      [1, 'water-station'],
      [2, '0.1'],
    ]);
    assert.deepEqual(objects(answerDeviceIdentification(IDENTITY, Buffer.from([0x2b, 0x0e, 2, 0]))).at(-1), [4, 'Water station (4-20 mA)']);
    assert.deepEqual(objects(answerDeviceIdentification(IDENTITY, Buffer.from([0x2b, 0x0e, 4, 1]))), [[1, 'water-station']]);
  });

  it('restarts a stream at object 0 for an unknown start; exception 2 for an unknown individual object, 3 for a bad code', () => {
    assert.equal(objects(answerDeviceIdentification(IDENTITY, Buffer.from([0x2b, 0x0e, 1, 0x55])))[0]?.[0], 0);
    assert.throws(
      () => answerDeviceIdentification(IDENTITY, Buffer.from([0x2b, 0x0e, 4, 3])),
      (e: ModbusException) => e.modbusErrorCode === 2,
    );
    assert.throws(
      () => answerDeviceIdentification(IDENTITY, Buffer.from([0x2b, 0x0e, 9, 0])),
      (e: ModbusException) => e.modbusErrorCode === 3,
    );
  });

  it('splits a stream that does not fit one PDU with "more follows" and the next object id', () => {
    const long = new Map([
      [0, 'v'.repeat(200)],
      [1, 'p'.repeat(100)],
      [2, '1'],
    ]);
    const first = answerDeviceIdentification(long, Buffer.from([0x2b, 0x0e, 1, 0]));
    assert.ok(first.length <= 253);
    assert.deepEqual([first[4], first[5], first[6]], [0xff, 1, 1]);
    const rest = answerDeviceIdentification(long, Buffer.from([0x2b, 0x0e, 1, 1]));
    assert.deepEqual(
      objects(rest).map(([id]) => id),
      [1, 2],
    );
  });

  it('frames an RTU request of function 43 by its fixed length', () => {
    const reader = new FrameReader('rtu');
    const frames = reader.push(withCrc(Buffer.from([2, 0x2b, 0x0e, 1, 0])));
    assert.deepEqual(
      frames.map((f) => [f.unitId, [...f.pdu]]),
      [[2, [0x2b, 0x0e, 1, 0]]],
    );
  });
});
