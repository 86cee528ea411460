import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { gatewayError } from '../errors.js';

/** A point list as rows of text cells; row i is spreadsheet row i + 1. */
export type Sheet = readonly (readonly string[])[];

/** A vendor point list is a few hundred rows: a bigger file is not one (and is not read whole into memory). */
const MAX_LIST_BYTES = 16 * 1024 * 1024;

/** Reads a .csv or .xlsx point list; `sheet` names a worksheet of a workbook (default the first). */
export async function readPointList(file: string, sheet?: string): Promise<Sheet> {
  let bytes: Buffer;
  try {
    const { size } = await stat(file);
    if (size > MAX_LIST_BYTES) throw new Error(`${size} bytes, more than a point list (${MAX_LIST_BYTES})`);
    bytes = await readFile(file);
  } catch (e) {
    throw gatewayError('LL_ERR_POINT_LIST_UNREADABLE', file, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    return extname(file).toLowerCase() === '.xlsx' ? await readWorkbook(bytes, sheet) : readCsv(bytes);
  } catch (e) {
    throw gatewayError('LL_ERR_POINT_LIST_UNREADABLE', file, (e as Error).message);
  }
}

/**
 * CSV as Excel saves it: UTF-8 (with or without BOM) or, from a Chinese
 * Windows, GB18030/GBK; comma, semicolon or tab separated.
 */
export function readCsv(bytes: Buffer): Sheet {
  const text = decode(bytes);
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const delimiter = [',', ';', '\t'].reduce((best, d) => (count(firstLine, d) > count(firstLine, best) ? d : best), ',');
  return parse(text, { bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
}

function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

/** The first (or the named) worksheet of an .xlsx workbook, each cell as the text Excel shows. */
async function readWorkbook(bytes: Buffer, sheetName: string | undefined): Promise<Sheet> {
  // exceljs is large: loaded only when a workbook is read.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = sheetName === undefined ? book.worksheets[0] : book.getWorksheet(sheetName);
  if (!sheet) {
    const names = book.worksheets.map((w) => w.name).join(', ');
    throw new Error(sheetName === undefined ? 'the workbook has no worksheet' : `no worksheet "${sheetName}" (worksheets: ${names})`);
  }
  const rows: string[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
    rows.push(cells);
  }
  return rows;
}
