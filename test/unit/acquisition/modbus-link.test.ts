import assert from 'node:assert/strict';
import { classifyModbusError } from '../../../gateway/src/acquisition/modbus/modbus-errors.js';
import { connectionKey, interFrameGapMs } from '../../../gateway/src/transports/modbus-connection.js';

const ctx = { what: 'read holding 0+4', device: 'm', unitId: 3, timeoutMs: 250 };

describe('Modbus link helpers', () => {
  it('keeps 3.5 characters of 11 bits between RTU frames, 1.75 ms above 19200 baud', () => {
    assert.ok(Math.abs(interFrameGapMs(9600) - 4.0104) < 0.001);
    assert.ok(Math.abs(interFrameGapMs(19_200) - 2.0052) < 0.001);
    assert.equal(interFrameGapMs(115_200), 1.75);
  });

  it('keys connections by physical link, not by unit', () => {
    const tcp = { host: 'a', port: 502, timeoutMs: 1, unitId: 1, maxInFlight: 1 } as const;
    assert.equal(connectionKey({ ...tcp, framing: 'tcp' }), connectionKey({ ...tcp, framing: 'tcp', unitId: 7 }));
    assert.notEqual(connectionKey({ ...tcp, framing: 'tcp' }), connectionKey({ ...tcp, framing: 'rtu-over-tcp' }));
    const serial = {
      framing: 'rtu',
      serialPort: '/dev/ttyS1',
      baudRate: 9600,
      parity: 'none',
      dataBits: 8,
      stopBits: 1,
      timeoutMs: 1,
    } as const;
    assert.equal(connectionKey({ ...serial, unitId: 1 }), 'rtu:///dev/ttyS1');
  });

  it('classifies modbus-serial failures by type', () => {
    const rows: [unknown, string, boolean][] = [
      [{ modbusCode: 2, message: 'Modbus exception 2' }, 'LL_ERR_MODBUS_EXCEPTION', false],
      [{ modbusCode: 6 }, 'LL_ERR_MODBUS_EXCEPTION', true],
      [{ errno: 'ETIMEDOUT', message: 'Timed out' }, 'LL_ERR_MODBUS_TIMEOUT', true],
      [new Error('CRC error'), 'LL_ERR_MODBUS_BAD_FRAME', true],
      [new Error('Unexpected data error, expected address 3 got 99'), 'LL_ERR_MODBUS_BAD_FRAME', true],
      [new Error('Data length error, expected 13 got 9'), 'LL_ERR_MODBUS_BAD_FRAME', true],
      [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', errno: -111 }), 'LL_ERR_MODBUS_IO', true],
      [Object.assign(new Error('Port Not Open'), { errno: 'ECONNRESET' }), 'LL_ERR_MODBUS_IO', true],
    ];
    for (const [input, code, transient] of rows) {
      const e = classifyModbusError(input, ctx);
      assert.equal(e.code, code, JSON.stringify(input));
      assert.equal(e.transient, transient, JSON.stringify(input));
    }
    assert.match(classifyModbusError({ modbusCode: 2 }, ctx).message, /exception 2 \(illegal data address\)/);
    assert.match(classifyModbusError({ errno: 'ETIMEDOUT' }, ctx).message, /unit 3 did not answer read holding 0\+4 within 250 ms/);
  });
});
