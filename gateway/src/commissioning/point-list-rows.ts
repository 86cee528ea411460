import type { Limit, LimitCondition, ProfilePoint, RegisterTable } from '@lifeline/core';
import type { Column } from './point-list-columns.js';
import {
  CellProblem,
  parseAddress,
  parseNumber,
  parseScale,
  parseTable,
  parseType,
  parseWordOrder,
  parseWritable,
} from './point-list-values.js';

/** One data row of the point list, with the row number the engineer sees in the spreadsheet (header = its own row). */
export interface ListRow {
  readonly row: number;
  readonly cells: readonly string[];
}

export interface ConvertedRow {
  readonly row: number;
  readonly id: string;
  readonly point: ProfilePoint;
}

export interface RowProblem {
  readonly row: number;
  readonly problems: readonly string[];
}

export interface RowOptions {
  /** 1 for lists that number registers from 1 (register 1 = protocol address 0). */
  readonly addressBase: 0 | 1;
  /** Alarm priorities for limits read from the list (1 red … 4 blue). */
  readonly priorities: Readonly<Record<'hihi' | 'hi' | 'lo' | 'lolo', Limit['priority']>>;
}

/** hihi and lolo one level above hi and lo: orange (II) and yellow (III), DESIGN.md §1. */
export const DEFAULT_PRIORITIES: RowOptions['priorities'] = { hihi: 2, hi: 3, lo: 3, lolo: 2 };

const LIMITS = ['hihi', 'hi', 'lo', 'lolo'] as const;
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TABLE_PREFIX: Record<RegisterTable, string> = { holding: 'hr', input: 'ir', coil: 'co', discrete: 'di' };

/** Converts one row; every problem of the row is reported, not only the first. */
export function convertRow(columns: Partial<Record<Column, number>>, row: ListRow, options: RowOptions): ConvertedRow | RowProblem {
  const cell = (c: Column) => (columns[c] === undefined ? '' : (row.cells[columns[c] as number] ?? '').trim());
  const problems: string[] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof CellProblem)) throw e;
      problems.push(e.message);
      return undefined;
    }
  };
  const name = cell('name');
  if (name === '') problems.push('the name cell is empty');
  const tableText = cell('table');
  const table = tableText === '' ? undefined : attempt(() => parseTable(tableText));
  const addressText = cell('address');
  if (addressText === '') problems.push('the address cell is empty');
  const address = addressText === '' ? undefined : attempt(() => parseAddress(addressText, table, options.addressBase));
  const finalTable = table ?? address?.table;
  const parsedType = attempt(() => parseType(cell('type'), finalTable));
  const order = attempt(() => parseWordOrder(cell('wordOrder') || (parsedType?.order ?? '')));
  const scale = attempt(() => parseScale(cell('scale')));
  const offset = attempt(() => parseNumber(cell('offset'), 'offset'));
  const bit = attempt(() => parseNumber(cell('bit'), 'bit'));
  const writable = attempt(() => parseWritable(cell('writable')));
  const min = attempt(() => parseNumber(cell('min'), 'range min'));
  const max = attempt(() => parseNumber(cell('max'), 'range max'));
  const limits: Partial<Record<LimitCondition, Limit>> = {};
  for (const c of LIMITS) {
    const value = attempt(() => parseNumber(cell(c), c));
    if (value !== undefined) limits[c] = { value, priority: options.priorities[c] };
  }
  if (bit !== undefined && (!Number.isInteger(bit) || bit < 0 || bit > 15)) problems.push(`bit "${cell('bit')}" is not 0–15`);
  if (problems.length > 0 || address === undefined || finalTable === undefined || parsedType === undefined) {
    return { row: row.row, problems: problems.length > 0 ? problems : ['no table: add a function code column'] };
  }
  const type = bit !== undefined && parsedType.type !== 'bool' && cell('type') === '' ? 'bool' : parsedType.type;
  const wide = type === 'uint32' || type === 'int32' || type === 'float32';
  const point: ProfilePoint = {
    name,
    ...(cell('unit') === '' ? {} : { unit: cell('unit') }),
    modbus: {
      table: finalTable,
      address: address.address,
      type,
      ...(wide && order !== undefined ? { wordOrder: order } : {}),
      ...(scale === undefined || scale === 1 ? {} : { scale }),
      ...(offset === undefined || offset === 0 ? {} : { offset }),
      ...(bit === undefined ? {} : { bit }),
    },
    ...(writable ? { writable: true } : {}),
    ...(min !== undefined && max !== undefined ? { range: { min, max } } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
  return { row: row.row, id: pointId(cell('id'), name, finalTable, address.address, bit), point };
}

/** The id column if usable, else the name as a slug, else the address (`hr_100`, `hr_100_b3`): Chinese names have no ASCII slug. */
function pointId(idCell: string, name: string, table: RegisterTable, address: number, bit: number | undefined): string {
  // A name gives the id from its Latin words ("通道1浓度 Channel 1" → channel_1); "A相电压" alone has none worth a slug.
  const latin = name.replace(/[^\x20-\x7e]+/g, ' ').replace(/^[^a-z]+/i, '');
  for (const candidate of [idCell, /[a-z]{2,}/i.test(latin) ? latin : '']) {
    const slug = candidate
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64);
    if (ID.test(slug) && /[a-z]/.test(slug) && slug.length <= 40) return slug;
  }
  return `${TABLE_PREFIX[table]}_${address}${bit === undefined ? '' : `_b${bit}`}`;
}

export function isProblem(r: ConvertedRow | RowProblem): r is RowProblem {
  return 'problems' in r;
}
