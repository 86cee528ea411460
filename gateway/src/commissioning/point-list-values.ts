import { REGISTER_TYPES, type RegisterTable, type RegisterType } from '@lifeline/core';

/** A cell that cannot be converted; the row converter collects these with the row number. */
export class CellProblem extends Error {
  override name = 'CellProblem';
}

const compact = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

/**
 * Function codes (Modbus App Protocol V1.1b3 §6): the read code names the
 * table, and so do the write codes of the same table (5/15 coils, 6/16 holding).
 */
const TABLE_WORDS: ReadonlyMap<string, RegisterTable> = new Map([
  ...['1', '5', '15', 'coil', 'coils', 'co', '0x', '线圈', '线圈寄存器'].map((w) => [w, 'coil'] as const),
  ...['2', 'discrete', 'discreteinput', 'discreteinputs', 'di', 'inputstatus', '1x', '离散输入', '输入状态', '开关输入'].map(
    (w) => [w, 'discrete'] as const,
  ),
  ...['3', '6', '16', 'holding', 'holdingregister', 'holdingregisters', 'hr', '4x', '保持寄存器'].map((w) => [w, 'holding'] as const),
  ...['4', 'input', 'inputregister', 'inputregisters', 'ir', '3x', '输入寄存器'].map((w) => [w, 'input'] as const),
]);

/** `3`, `03`, `0x03`, `FC3`, `03H`, `holding`, `保持寄存器` → a table. */
export function parseTable(text: string): RegisterTable {
  let t = compact(text).replace(/^fc/, '').replace(/h$/, '');
  if (/^0x[0-9a-f]+$/.test(t) || /^\d+$/.test(t)) t = String(Number(t));
  const table = TABLE_WORDS.get(t) ?? TABLE_WORDS.get(compact(text));
  if (!table) throw new CellProblem(`function code or table "${text}" is not one of 1–6, 15, 16, coil, discrete, holding, input`);
  return table;
}

/**
 * Modicon references (Modbus App Protocol §4.4 numbers from 1): 0xxxx coils,
 * 1xxxx discrete inputs, 3xxxx input registers, 4xxxx holding registers, in
 * five or six digits. 40001 is holding register 0.
 */
const MODICON: readonly { digit: string; table: RegisterTable }[] = [
  { digit: '0', table: 'coil' },
  { digit: '1', table: 'discrete' },
  { digit: '3', table: 'input' },
  { digit: '4', table: 'holding' },
];

export interface ParsedAddress {
  readonly address: number;
  /** The table a Modicon reference implies. */
  readonly table?: RegisterTable;
}

/**
 * A decimal or hex (`0x10`, `10H`) address. With a table given, a Modicon
 * reference of that table (40101 with function 3) is converted; without one,
 * a five- or six-digit Modicon reference names the table. `base` 1 is for
 * lists that number registers from 1.
 */
export function parseAddress(text: string, table: RegisterTable | undefined, base: 0 | 1): ParsedAddress {
  const t = text.trim();
  const hex = /^0x([0-9a-f]+)$/i.exec(t) ?? /^([0-9a-f]+)h$/i.exec(t);
  if (hex) return { address: checkRange(Number.parseInt(hex[1] as string, 16) - base, text) };
  if (!/^\d+$/.test(t)) throw new CellProblem(`address "${text}" is not a whole number (decimal, or hex as 0x10 / 10H)`);
  const n = Number(t);
  const ref =
    t.length === 5 || t.length === 6 ? MODICON.find((m) => m.digit === t[0] && (table === undefined || m.table === table)) : undefined;
  if (ref && n % 10 ** (t.length - 1) !== 0) {
    return { address: checkRange((n % 10 ** (t.length - 1)) - 1, text), table: ref.table };
  }
  if (table === undefined)
    throw new CellProblem(`address "${text}" names no table: add a function code column, or use a Modicon address (40001 = holding 0)`);
  return { address: checkRange(n - base, text) };
}

function checkRange(address: number, text: string): number {
  if (address < 0 || address > 65_535) throw new CellProblem(`address "${text}" is outside 0–65535`);
  return address;
}

const TYPE_WORDS: ReadonlyMap<string, RegisterType> = new Map([
  ...[
    'uint16',
    'u16',
    'uint',
    'word',
    'ushort',
    'unsignedshort',
    'unsigned16',
    'unsigned',
    '无符号16位',
    '16位无符号',
    '16位无符号整数',
    '无符号整数',
    '无符号整型',
  ].map((w) => [w, 'uint16'] as const),
  ...[
    'int16',
    's16',
    'int',
    'short',
    'signed',
    'signed16',
    'integer',
    '有符号16位',
    '16位有符号',
    '16位有符号整数',
    '有符号整数',
    '整数',
    '整型',
  ].map((w) => [w, 'int16'] as const),
  ...[
    'uint32',
    'u32',
    'dword',
    'udint',
    'ulong',
    'unsigned32',
    'unsignedlong',
    '无符号32位',
    '32位无符号',
    '32位无符号整数',
    '无符号长整型',
  ].map((w) => [w, 'uint32'] as const),
  ...['int32', 's32', 'dint', 'long', 'signed32', '有符号32位', '32位有符号', '32位有符号整数', '长整型'].map((w) => [w, 'int32'] as const),
  ...[
    'float32',
    'float',
    'real',
    'single',
    'ieee754',
    'f32',
    '浮点',
    '浮点数',
    '浮点型',
    '单精度',
    '单精度浮点',
    '单精度浮点数',
    '32位浮点',
    '32位浮点数',
  ].map((w) => [w, 'float32'] as const),
  ...['bool', 'boolean', 'bit', 'digital', 'binary', '布尔', '布尔型', '开关量', '位', '数字量'].map((w) => [w, 'bool'] as const),
]);

/** Byte orders of a 32-bit value in register pairs: the codec knows ABCD (big) and CDAB (little). */
const ORDER_IN_TYPE = /\(?\s*(abcd|cdab|badc|dcba|1234|3412|2143|4321)\s*\)?/i;

export interface ParsedType {
  readonly type: RegisterType;
  /** A byte order written into the type, e.g. "float(CDAB)". */
  readonly order?: string;
}

/** `uint16`, `Float (CDAB)`, `32位无符号整数`, … → a register type; an empty cell is uint16, or bool in a bit table. */
export function parseType(text: string, table: RegisterTable | undefined): ParsedType {
  if (text.trim() === '') return { type: table === 'coil' || table === 'discrete' ? 'bool' : 'uint16' };
  const order = ORDER_IN_TYPE.exec(text)?.[1];
  const word = compact(text.replace(ORDER_IN_TYPE, ''));
  const type = TYPE_WORDS.get(word);
  if (type) return order === undefined ? { type } : { type, order };
  if (/double|float64|int64|uint64|lreal|string|ascii|bcd|字符串|双精度|64位/i.test(word)) {
    throw new CellProblem(`data type "${text}" is not supported: the register codec reads ${REGISTER_TYPES.join(', ')}`);
  }
  throw new CellProblem(
    `data type "${text}" is not one of ${REGISTER_TYPES.join(', ')} (or a known alias such as float, dword, 有符号16位)`,
  );
}

const BIG = new Set([
  'abcd',
  '1234',
  'big',
  'bigendian',
  'be',
  'msw',
  'mswfirst',
  'highfirst',
  'hightolow',
  'normal',
  '大端',
  '高位在前',
  '高字在前',
  '正序',
]);
const LITTLE = new Set([
  'cdab',
  '3412',
  'little',
  'littleendian',
  'le',
  'lsw',
  'lswfirst',
  'lowfirst',
  'wordswap',
  'swap',
  '小端',
  '低位在前',
  '低字在前',
  '反序',
  '字交换',
]);

/** ABCD / big / 高位在前 → big; CDAB / little / 低位在前 → little; byte-swapped orders are refused. */
export function parseWordOrder(text: string): 'big' | 'little' | undefined {
  const t = compact(text).replace(/[()]/g, '');
  if (t === '') return undefined;
  if (BIG.has(t)) return 'big';
  if (LITTLE.has(t)) return 'little';
  if (['badc', 'dcba', '2143', '4321', 'byteswap'].includes(t)) {
    throw new CellProblem(`byte order "${text}" swaps bytes inside registers: the register codec reads ABCD (big) or CDAB (little) only`);
  }
  throw new CellProblem(`word order "${text}" is not ABCD/big/高位在前 or CDAB/little/低位在前`);
}

/** `0.1`, `1/10`, `/10`, `÷10`, `x0.1`, `×0.1`, `*0.1` → 0.1; empty → undefined (1). */
export function parseScale(text: string): number | undefined {
  const t = text.trim().replace(/\s+/g, '');
  if (t === '') return undefined;
  const divide = /^(?:1?\/|÷)(\d+(?:\.\d+)?)$/.exec(t);
  const times = /^[x×*]?(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/i.exec(t);
  const scale = divide ? 1 / Number(divide[1]) : times ? Number(times[1]) : Number.NaN;
  if (!Number.isFinite(scale) || scale === 0) throw new CellProblem(`scale "${text}" is not a non-zero number (0.1, 1/10, ×0.1)`);
  return scale;
}

/** An optional number cell (offset, limits, range). */
export function parseNumber(text: string, what: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new CellProblem(`${what} "${text}" is not a number`);
  return n;
}

const WRITABLE = new Set([
  'rw',
  'r/w',
  'readwrite',
  'w',
  'wo',
  'write',
  'writable',
  'yes',
  'y',
  'true',
  '1',
  '读写',
  '可读写',
  '可写',
  '写',
  '是',
]);
const READ_ONLY = new Set(['r', 'ro', 'read', 'readonly', 'no', 'n', 'false', '0', '只读', '读', '否']);

/** R/W, 读写, yes … → true; R, 只读, no … → false; empty → undefined. */
export function parseWritable(text: string): boolean | undefined {
  const t = compact(text);
  if (t === '') return undefined;
  if (WRITABLE.has(t)) return true;
  if (READ_ONLY.has(t)) return false;
  throw new CellProblem(`access "${text}" is not R/W (读写) or R (只读)`);
}
