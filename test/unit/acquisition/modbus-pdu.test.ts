import assert from 'node:assert/strict';
import { classifyModbusError } from '../../../gateway/src/acquisition/modbus/modbus-errors.js';
import { parseMbap } from '../../../gateway/src/transports/mbap-framing.js';
import {
  answerError,
  bitsOf,
  coilWrittenOf,
  deviceIdOf,
  deviceIdRequest,
  FC,
  multipleWrittenOf,
  readRequest,
  readShape,
  registersOf,
  registerWrittenOf,
  writeCoilsRequest,
  writeRegistersRequest,
  writeShape,
  writeSingleRequest,
} from '../../../gateway/src/transports/modbus-pdu.js';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)/g, '$1 ').trim();
const pdu = (...bytes: number[]) => Buffer.from(bytes);
const ctx = { what: 'read', device: 'd', unitId: 5, timeoutMs: 100 };

describe('Modbus TCP requests (Modbus Application Protocol V1.1b3 §6, MBAP V1.0b §3.1.3)', () => {
  const table: [string, Buffer, string][] = [
    // §6.3's example: read holding registers 108–110 (address 0x006B, quantity 3).
    ['FC3, the spec’s example', readRequest(17, FC.readHoldingRegisters, 0x6b, 3), '00 00 00 00 00 06 11 03 00 6b 00 03'],
    ['FC1, coils 19–37', readRequest(1, FC.readCoils, 0x13, 0x13), '00 00 00 00 00 06 01 01 00 13 00 13'],
    ['FC4', readRequest(1, FC.readInputRegisters, 8, 1), '00 00 00 00 00 06 01 04 00 08 00 01'],
    ['FC5 ON (0xFF00)', writeSingleRequest(1, 5, 0xac, 0xff00), '00 00 00 00 00 06 01 05 00 ac ff 00'],
    ['FC6', writeSingleRequest(1, 6, 1, 3), '00 00 00 00 00 06 01 06 00 01 00 03'],
    // §6.12's example: registers 2–3 with 0x000A, 0x0102.
    ['FC16, the spec’s example', writeRegistersRequest(1, 1, [0x000a, 0x0102]), '00 00 00 00 00 0b 01 10 00 01 00 02 04 00 0a 01 02'],
    ['FC16 from a buffer of words', writeRegistersRequest(1, 1, Buffer.from([0, 0x0a])), '00 00 00 00 00 09 01 10 00 01 00 01 02 00 0a'],
    // §6.11's example: coils 20–29 = 1100 1101 01 → CD 01.
    [
      'FC15, the spec’s example',
      writeCoilsRequest(1, 0x13, [true, false, true, true, false, false, true, true, true, false]),
      '00 00 00 00 00 09 01 0f 00 13 00 0a 02 cd 01',
    ],
    ['FC43 / MEI 14', deviceIdRequest(1, 1, 0), '00 00 00 00 00 05 01 2b 0e 01 00'],
  ];
  for (const [name, adu, want] of table) {
    it(`${name} → ${want}`, () => {
      assert.equal(hex(adu), want);
      // Every request is one well-formed ADU (the port writes its transaction id into bytes 0–1).
      const parsed = parseMbap(adu);
      assert.equal(parsed.kind, 'frame');
      assert.equal(parsed.kind === 'frame' && parsed.size, adu.length);
    });
  }
});

describe('Modbus TCP answers: checked in modbus-serial’s order, classified the same', () => {
  const fc3 = readShape(5, FC.readHoldingRegisters, 2);
  const table: [string, number, Buffer, string][] = [
    ['a correct answer', 5, pdu(3, 4, 0, 1, 0, 2), 'ok'],
    ['exception 2 (illegal data address)', 5, pdu(0x83, 2), 'exception 2'],
    ['exception 11, from a gateway for another unit id', 9, pdu(0x83, 11), 'exception 11'],
    ['an exception code outside §7', 5, pdu(0x83, 99), 'exception 99'],
    ['an exception with trailing bytes', 5, pdu(0x83, 4, 0, 0), 'exception 4'],
    ['an exception to another function (wrong length)', 5, pdu(0x84, 2), 'LL_ERR_MODBUS_BAD_FRAME Data length error'],
    ['truncated to the function code', 5, pdu(3), 'LL_ERR_MODBUS_BAD_FRAME Data length error'],
    ['empty', 5, pdu(), 'LL_ERR_MODBUS_BAD_FRAME Data length error'],
    ['one register short', 5, pdu(3, 2, 0, 1), 'LL_ERR_MODBUS_BAD_FRAME Data length error'],
    ['trailing bytes', 5, pdu(3, 4, 0, 1, 0, 2, 0), 'LL_ERR_MODBUS_BAD_FRAME Data length error'],
    ['a byte count that lies', 5, pdu(3, 6, 0, 1, 0, 2), 'LL_ERR_MODBUS_BAD_FRAME Data length error'],
    ['another unit', 6, pdu(3, 4, 0, 1, 0, 2), 'LL_ERR_MODBUS_BAD_FRAME Unexpected data error'],
    ['another function', 5, pdu(4, 4, 0, 1, 0, 2), 'LL_ERR_MODBUS_BAD_FRAME Unexpected data error'],
  ];
  for (const [name, unit, answer, want] of table) {
    it(`${name} → ${want}`, () => {
      const e = answerError(fc3, unit, answer);
      if (!e) return assert.equal('ok', want);
      const code = (e as { modbusCode?: number }).modbusCode;
      if (code !== undefined) {
        assert.equal(`exception ${code}`, want);
        assert.equal(classifyModbusError(e, ctx).code, 'LL_ERR_MODBUS_EXCEPTION');
        return;
      }
      const classified = classifyModbusError(e, ctx);
      assert.equal(`${classified.code} ${e.message.split(',')[0]}`, want);
    });
  }

  it('reads registers big-endian and bits LSB first, whole bytes (callers keep the ones they asked for)', () => {
    assert.deepEqual(registersOf(pdu(3, 4, 0x12, 0x34, 0xff, 0xff)).data, [0x1234, 0xffff]);
    // §6.1's example: coils 27–20 = 0xCD.
    assert.deepEqual(bitsOf(pdu(1, 1, 0xcd)).data.map(Number), [1, 0, 1, 1, 0, 0, 1, 1]);
    assert.equal(readShape(1, FC.readCoils, 9).pduBytes, 4);
    assert.equal(readShape(1, FC.readDiscreteInputs, 8).pduBytes, 3);
  });

  it('reads the echo of a write', () => {
    assert.deepEqual(coilWrittenOf(pdu(5, 0, 0xac, 0xff, 0)), { address: 0xac, state: true });
    assert.deepEqual(registerWrittenOf(pdu(6, 0, 1, 0, 3)), { address: 1, value: 3 });
    assert.deepEqual(multipleWrittenOf(pdu(16, 0, 1, 0, 2)), { address: 1, length: 2 });
    assert.match(String(answerError(writeShape(1, 6), 1, pdu(6, 0, 1, 0))), /Data length error/);
  });

  describe('function 43 / MEI 14 (§6.21)', () => {
    const objects = (...values: string[]) => values.flatMap((v, id) => [id, v.length, ...Buffer.from(v, 'ascii')]);
    it('reads the objects, the conformity level and where the stream goes on', () => {
      const part = deviceIdOf(pdu(0x2b, 0x0e, 1, 0x81, 0xff, 2, 2, ...objects('ACME', 'GD-4')));
      assert.deepEqual(part, { conformityLevel: 0x81, moreFollows: true, nextObjectId: 2, objects: { 0: 'ACME', 1: 'GD-4' } });
    });
    it('more follows with no objects does not go on', () => {
      const part = deviceIdOf(pdu(0x2b, 0x0e, 1, 1, 0xff, 2, 0));
      assert.equal(!(part instanceof Error) && part.moreFollows, false);
    });
    const hostile: [string, Buffer][] = [
      ['truncated header', pdu(0x2b, 0x0e, 1, 1)],
      ['another MEI type', pdu(0x2b, 0x0d, 1, 1, 0, 0, 0)],
      ['an object longer than the answer', pdu(0x2b, 0x0e, 1, 1, 0, 0, 1, 0, 9, 0x41)],
      ['more objects counted than sent', pdu(0x2b, 0x0e, 1, 1, 0, 0, 2, ...objects('A'))],
    ];
    for (const [name, answer] of hostile) {
      it(`${name} → a bad frame`, () => {
        const part = deviceIdOf(answer);
        assert.ok(part instanceof Error);
        assert.equal(classifyModbusError(part, ctx).code, 'LL_ERR_MODBUS_BAD_FRAME');
      });
    }
  });
});
