import assert from 'node:assert/strict';
import { decodeRegisters, encodeRegisters, type Register } from '../../../core/src/index.js';

const reg = (r: Partial<Register> & Pick<Register, 'type'>): Register => ({
  table: 'holding',
  address: 0,
  wordOrder: 'big',
  scale: 1,
  offset: 0,
  ...r,
});

describe('register codec', () => {
  const cases: [string, Register, number | boolean, number[]][] = [
    ['uint16 with scale 0.1', reg({ type: 'uint16', scale: 0.1 }), 25.3, [253]],
    ['int16 negative', reg({ type: 'int16' }), -2, [0xfffe]],
    ['uint32 big-endian words (ABCD)', reg({ type: 'uint32' }), 0x12345678, [0x1234, 0x5678]],
    ['uint32 little-endian words (CDAB)', reg({ type: 'uint32', wordOrder: 'little' }), 0x12345678, [0x5678, 0x1234]],
    ['int32 negative', reg({ type: 'int32' }), -1, [0xffff, 0xffff]],
    ['float32 ABCD', reg({ type: 'float32' }), 50.5, [0x424a, 0x0000]],
    ['float32 CDAB', reg({ type: 'float32', wordOrder: 'little' }), 50.5, [0x0000, 0x424a]],
    ['offset (4–20 mA as 4000–20000 counts → 0–1.6 MPa)', reg({ type: 'uint16', scale: 0.0001, offset: -0.4 }), 1.6, [20000]],
    ['coil bool', reg({ table: 'coil', type: 'bool' }), true, [1]],
  ];
  for (const [name, r, value, words] of cases) {
    it(`${name}: encodes and decodes`, () => {
      assert.deepEqual(encodeRegisters(r, value), words);
      const decoded = decodeRegisters(r, words);
      if (typeof value === 'number') assert.ok(Math.abs((decoded as number) - value) < 1e-9, `decoded ${decoded}`);
      else assert.equal(decoded, value);
    });
  }

  it('reads one bit of a status word', () => {
    const r = reg({ type: 'bool', bit: 2 });
    assert.equal(decodeRegisters(r, [0b100]), true);
    assert.equal(decodeRegisters(r, [0b011]), false);
  });

  it('decodes a point inside a block read from its offset, as from its own words', () => {
    const block = [7, 0x0000, 0x424a, 0b100, 0xfffe];
    assert.equal(decodeRegisters(reg({ type: 'float32', wordOrder: 'little' }), block, 1), 50.5);
    assert.equal(decodeRegisters(reg({ type: 'bool', bit: 2 }), block, 3), true);
    assert.equal(decodeRegisters(reg({ type: 'int16' }), block, 4), -2);
    // Past the end of what was read: zeros, as a short slice gave.
    assert.equal(decodeRegisters(reg({ type: 'uint32' }), block, 4), 0xfffe0000);
    assert.equal(decodeRegisters(reg({ type: 'uint16' }), block, 9), 0);
  });

  it('saturates integers instead of wrapping, as transmitters do', () => {
    assert.deepEqual(encodeRegisters(reg({ type: 'uint16' }), 70000), [0xffff]);
    assert.deepEqual(encodeRegisters(reg({ type: 'uint16' }), -5), [0]);
    assert.deepEqual(encodeRegisters(reg({ type: 'int16' }), -40000), [0x8000]);
  });
});
