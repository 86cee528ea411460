import assert from 'node:assert/strict';
import { crc16, crcValid, withCrc } from '../../../firmware-sim/src/modbus/crc16.js';
import { FrameReader } from '../../../firmware-sim/src/modbus/frames.js';
import { answerPdu, type RegisterMap } from '../../../firmware-sim/src/modbus/pdu.js';
import { ModbusException } from '../../../firmware-sim/src/simulated-device.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('Modbus RTU CRC', () => {
  it('matches the Modbus over Serial Line V1.02 example (read 2 holding registers at 0x0000 of unit 1)', () => {
    // 01 03 00 00 00 02 → CRC C4 0B (low byte first on the wire)
    assert.equal(crc16(hex('010300000002')), 0x0bc4);
    assert.deepEqual(withCrc(hex('010300000002')), hex('010300000002c40b'));
    assert.ok(crcValid(hex('010300000002c40b')));
    assert.ok(!crcValid(hex('010300000002c40c')));
  });
});

describe('Modbus frame reader', () => {
  it('splits MBAP frames, even when they arrive in pieces or together', () => {
    const reader = new FrameReader('tcp');
    const a = hex('0001 0000 0006 01 03 0000 0002');
    const b = hex('0002 0000 0006 02 04 0010 0001');
    assert.deepEqual(reader.push(a.subarray(0, 5)), []);
    const frames = reader.push(Buffer.concat([a.subarray(5), b]));
    assert.deepEqual(
      frames.map((f) => [f.transactionId, f.unitId, f.pdu.toString('hex')]),
      [
        [1, 1, '030000' + '0002'],
        [2, 2, '040010' + '0001'],
      ],
    );
  });

  it('splits RTU requests by function code and drops one with a bad CRC', () => {
    const reader = new FrameReader('rtu');
    const good = withCrc(hex('01 03 0000 0002'));
    const write = withCrc(hex('01 10 0000 0002 04 0001 0002'));
    const bad = Buffer.from(good);
    bad[7] = (bad[7] ?? 0) ^ 0xff;
    assert.deepEqual(reader.push(good.subarray(0, 3)), []);
    const frames = reader.push(Buffer.concat([good.subarray(3), write]));
    assert.deepEqual(
      frames.map((f) => f.pdu.toString('hex')),
      ['0300000002', '1000000002040001' + '0002'],
    );
    assert.deepEqual(reader.push(bad), []);
  });
});

describe('Modbus PDU answers', () => {
  const writes: [string, number, number][] = [];
  const map: RegisterMap = {
    read: (table, address, length) => {
      if (address > 10) throw new ModbusException(2, 'outside');
      return Array.from({ length }, (_, i) => (table === 'coil' ? (address + i) % 2 : 0x100 + address + i));
    },
    write: (table, address, word) => {
      writes.push([table, address, word]);
    },
  };
  const cases: [string, string, string][] = [
    ['read holding registers', '03 0000 0002', '03 04 0100 0101'],
    ['read input registers', '04 0001 0001', '04 02 0101'],
    ['read coils packs bits LSB first', '01 0000 000a', '01 02 aa 02'],
    ['an address outside the map', '03 0020 0001', '83 02'],
    ['too many registers', '03 0000 007e', '83 03'],
    ['an unknown function', '2b 0e01 0000', 'ab 01'],
    ['write single coil echoes', '05 0003 ff00', '05 0003 ff00'],
    ['a coil value other than FF00/0000', '05 0003 1234', '85 03'],
    ['write multiple registers answers address and count', '10 0004 0002 04 000a 000b', '10 0004 0002'],
  ];
  for (const [name, request, answer] of cases) {
    it(name, () => assert.equal(answerPdu(map, hex(request)).toString('hex'), answer.replace(/\s+/g, '')));
  }
  it('writes through to the map', () => {
    writes.length = 0;
    answerPdu(map, hex('0f 0000 0003 01 05'));
    assert.deepEqual(writes, [
      ['coil', 0, 1],
      ['coil', 1, 0],
      ['coil', 2, 1],
    ]);
  });
});
