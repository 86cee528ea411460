import assert from 'node:assert/strict';
import { classifyModbusError, isLinkFailure } from '../../../gateway/src/acquisition/modbus/modbus-errors.js';
import { crc16, encodeMbap, MAX_ADU_BYTES, parseMbap, toRtuFrame } from '../../../gateway/src/transports/mbap-framing.js';

const answer = encodeMbap(7, 5, Buffer.from([3, 2, 0x12, 0x34]));
const withLength = (length: number) => {
  const b = Buffer.from(answer);
  b.writeUInt16BE(length, 4);
  return b;
};
const withProtocol = (id: number) => {
  const b = Buffer.from(answer);
  b.writeUInt16BE(id, 2);
  return b;
};

describe('MBAP framing (Modbus Messaging on TCP/IP V1.0b §3.1.3)', () => {
  const table: [string, Buffer, string][] = [
    ['a correct answer', answer, 'frame tid 7 unit 5 pdu 4 size 11'],
    ['three bytes', answer.subarray(0, 3), 'incomplete'],
    ['a header without its PDU (truncated)', answer.subarray(0, 9), 'incomplete'],
    ['protocol id 1', withProtocol(1), 'invalid: MBAP protocol id 1, not 0 (Modbus)'],
    [
      'protocol id seen after 4 bytes (noise shows early)',
      withProtocol(0xbeef).subarray(0, 4),
      'invalid: MBAP protocol id 48879, not 0 (Modbus)',
    ],
    ['length 0', withLength(0), 'invalid: MBAP length 0 outside 2..254'],
    ['length 1 (unit only)', withLength(1), 'invalid: MBAP length 1 outside 2..254'],
    ['length 255 (PDU over 253 bytes)', withLength(255), 'invalid: MBAP length 255 outside 2..254'],
    ['length 0xffff', withLength(0xffff), 'invalid: MBAP length 65535 outside 2..254'],
    ['a length too long by 10 (waits for more)', withLength(15), 'incomplete'],
    ['a length too short by 3 (a shorter frame, the rest left over)', withLength(2), 'frame tid 7 unit 5 pdu 1 size 8'],
    ['two answers back to back (the first is taken)', Buffer.concat([answer, answer]), 'frame tid 7 unit 5 pdu 4 size 11'],
  ];
  for (const [name, input, expected] of table) {
    it(`${name} → ${expected}`, () => {
      const r = parseMbap(input);
      const got =
        r.kind === 'frame'
          ? `frame tid ${r.tid} unit ${r.unitId} pdu ${r.pdu.length} size ${r.size}`
          : r.kind === 'invalid'
            ? `invalid: ${r.reason}`
            : r.kind;
      assert.equal(got, expected);
    });
  }

  it('bounds an ADU at 260 bytes: 7-byte header less the unit byte counted twice, plus a 253-byte PDU', () => {
    assert.equal(MAX_ADU_BYTES, 260);
    const biggest = encodeMbap(1, 1, Buffer.alloc(253, 1));
    assert.equal(biggest.length, MAX_ADU_BYTES);
    assert.equal(parseMbap(biggest).kind, 'frame');
  });

  it('hands modbus-serial an RTU-shaped frame whose CRC checks', () => {
    const rtu = toRtuFrame(5, Buffer.from([3, 2, 0x12, 0x34]));
    assert.deepEqual([...rtu.subarray(0, 5)], [5, 3, 2, 0x12, 0x34]);
    assert.equal(rtu.readUInt16LE(5), crc16(rtu.subarray(0, 5)));
    // The CRC check value of "123456789" (CRC-16/MODBUS) is 0x4B37.
    assert.equal(crc16(Buffer.from('123456789')), 0x4b37);
  });

  it('classifies a link out of step as a link failure (reconnect), a framing error as a bad frame (retry)', () => {
    const ctx = { what: 'read holding 0+2', device: 'meter', unitId: 5, timeoutMs: 250 };
    const outOfStep = classifyModbusError(Object.assign(new Error('link out of step: a; then b'), { outOfStep: true }), ctx);
    assert.equal(outOfStep.code, 'LL_ERR_MODBUS_OUT_OF_STEP');
    assert.ok(isLinkFailure(outOfStep));
    const framing = classifyModbusError(Object.assign(new Error('Bad response framing: MBAP length 0'), { framing: true }), ctx);
    assert.equal(framing.code, 'LL_ERR_MODBUS_BAD_FRAME');
    assert.equal(isLinkFailure(framing), false);
  });
});
