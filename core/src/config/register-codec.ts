import type { PointConfig } from './site-config.js';

/**
 * Engineering value ↔ Modbus register words, by the point's register spec.
 * Shared by the gateway (decode) and the simulator (encode) so both sides of
 * every test agree by construction and differ only on the wire.
 * 32-bit values span two registers; wordOrder "big" puts the high word first
 * (ABCD), "little" puts it second (CDAB), the two layouts met in the field.
 */
export type Register = NonNullable<PointConfig['register']>;

export function registerCount(reg: Register): number {
  return reg.type === 'uint32' || reg.type === 'int32' || reg.type === 'float32' ? 2 : 1;
}

const view = new DataView(new ArrayBuffer(4));

/**
 * Raw register words (or a coil bit as 0/1) → engineering value; the point's
 * words start at `at` (a poll reads a block of many points: indexing into it
 * instead of slicing saves an array a reading).
 */
export function decodeRegisters(reg: Register, words: readonly number[], at = 0): number | boolean {
  const a = words[at] ?? 0;
  if (reg.type === 'bool') return reg.bit === undefined ? a !== 0 : ((a >> reg.bit) & 1) === 1;
  return decodeRaw(reg, a, words[at + 1] ?? 0) * reg.scale + reg.offset;
}

/** `a`, `b`: the first and second word on the wire. */
function decodeRaw(reg: Register, a: number, b: number): number {
  switch (reg.type) {
    case 'uint16':
      return a & 0xffff;
    case 'int16':
      return (a << 16) >> 16;
    default: {
      const little = reg.wordOrder === 'little';
      view.setUint16(0, little ? b : a);
      view.setUint16(2, little ? a : b);
      if (reg.type === 'uint32') return view.getUint32(0);
      if (reg.type === 'int32') return view.getInt32(0);
      return view.getFloat32(0);
    }
  }
}

/**
 * Engineering value → register words. Integers are rounded and clamped to the
 * type's range, as a real transmitter saturates rather than wrapping.
 */
export function encodeRegisters(reg: Register, value: number | boolean): number[] {
  if (reg.type === 'bool') return [value ? 1 : 0];
  const raw = (Number(value) - reg.offset) / reg.scale;
  switch (reg.type) {
    case 'uint16':
      return [clampRound(raw, 0, 0xffff)];
    case 'int16':
      return [clampRound(raw, -0x8000, 0x7fff) & 0xffff];
    default: {
      if (reg.type === 'uint32') view.setUint32(0, clampRound(raw, 0, 0xffffffff));
      else if (reg.type === 'int32') view.setInt32(0, clampRound(raw, -0x80000000, 0x7fffffff));
      else view.setFloat32(0, raw);
      const hi = view.getUint16(0);
      const lo = view.getUint16(2);
      return reg.wordOrder === 'little' ? [lo, hi] : [hi, lo];
    }
  }
}

function clampRound(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(x)));
}
