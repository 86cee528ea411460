/**
 * The columns of a vendor's point list (点表) and the header names they go by,
 * in English and Chinese. Headers are compared without case, spaces,
 * punctuation or a trailing unit in brackets ("倍率(系数)", "Address (dec)").
 */
export const COLUMN_ALIASES = {
  id: ['id', 'point id', 'pointid', 'key', 'tag', 'tag name', '标识', '点位标识', '点号', '变量名', '标签'],
  name: ['name', 'point name', 'description', 'desc', '名称', '点位名称', '测点名称', '参数名称', '变量名称', '描述', '说明'],
  address: ['address', 'addr', 'register', 'register address', 'start address', '地址', '寄存器地址', '起始地址', '偏移地址'],
  table: ['function code', 'function', 'fc', 'func', 'table', 'register type', 'area', '功能码', '寄存器类型', '数据区', '区域'],
  type: ['data type', 'datatype', 'type', 'format', 'data format', '数据类型', '类型', '数据格式'],
  wordOrder: ['word order', 'byte order', 'endian', 'endianness', 'swap', '字节序', '字序', '字节顺序', '高低位'],
  scale: ['scale', 'multiplier', 'factor', 'ratio', 'coefficient', 'gain', '倍率', '系数', '比例', '乘数', '变比'],
  offset: ['offset', 'bias', '偏移', '偏移量'],
  unit: ['unit', 'units', 'eng unit', 'engineering unit', '单位', '工程单位'],
  bit: ['bit', 'bit index', 'bit no', '位', '位号', '位索引'],
  writable: ['writable', 'access', 'rw', 'read write', 'read/write', 'mode', '读写', '读写属性', '读写类型', '可写', '访问'],
  min: ['min', 'range min', 'minimum', 'low range', '量程下限', '最小值', '量程最小值'],
  max: ['max', 'range max', 'maximum', 'high range', '量程上限', '最大值', '量程最大值'],
  hihi: ['hihi', 'high high', 'high high alarm', 'hh', '高高限', '上上限', '高高报'],
  hi: ['hi', 'high', 'high alarm', 'h', '高限', '上限', '高报'],
  lo: ['lo', 'low', 'low alarm', 'l', '低限', '下限', '低报'],
  lolo: ['lolo', 'low low', 'low low alarm', 'll', '低低限', '下下限', '低低报'],
} as const;

export type Column = keyof typeof COLUMN_ALIASES;

/** A point needs at least these; the table may instead come from a Modicon address (40001 → holding 0). */
export const REQUIRED_COLUMNS: readonly Column[] = ['name', 'address'];

/** Lower case, no spaces or punctuation, no trailing "(…)" or "（…）" note. */
export function normaliseHeader(text: string): string {
  return text
    .trim()
    .replace(/[(（[【].*?[)）\]】]\s*$/u, '')
    .toLowerCase()
    .replace(/[\s_\-./:：、]+/gu, '');
}

const LOOKUP: ReadonlyMap<string, Column> = new Map(
  (Object.entries(COLUMN_ALIASES) as [Column, readonly string[]][]).flatMap(([column, names]) =>
    names.map((n) => [normaliseHeader(n), column] as const),
  ),
);

const CJK = /[\u3000-\u9fff\uff00-\uffef]/gu;

/** The header as written, then its Chinese and its Latin part alone: a bilingual "名称 name" matches either. */
function headerColumn(cell: string): Column | undefined {
  const chinese = cell.match(CJK)?.join('') ?? '';
  const latin = cell.replace(CJK, ' ');
  for (const candidate of [cell, chinese, latin]) {
    const column = LOOKUP.get(normaliseHeader(candidate));
    if (column !== undefined) return column;
  }
  return undefined;
}

/** Which column each header cell is (first match wins); unknown headers are ignored. */
export function mapHeader(cells: readonly string[]): Partial<Record<Column, number>> {
  const map: Partial<Record<Column, number>> = {};
  for (const [i, cell] of cells.entries()) {
    const column = headerColumn(cell);
    if (column !== undefined && map[column] === undefined) map[column] = i;
  }
  return map;
}

/** The header row: the first of the first rows that names every required column (a title row may come first). */
export function findHeader(rows: readonly (readonly string[])[], lookAhead = 10): number | undefined {
  for (let i = 0; i < Math.min(rows.length, lookAhead); i++) {
    const map = mapHeader(rows[i] ?? []);
    if (REQUIRED_COLUMNS.every((c) => map[c] !== undefined)) return i;
  }
  return undefined;
}
