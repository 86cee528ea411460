import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { loadProfileFile } from '../../../core/src/index.js';
import { readPointList } from '../../../gateway/src/commissioning/point-list-files.js';
import { DEFAULT_PRIORITIES } from '../../../gateway/src/commissioning/point-list-rows.js';
import { parseAddress, parseScale, parseTable, parseType, parseWordOrder } from '../../../gateway/src/commissioning/point-list-values.js';
import { profileCommand } from '../../../gateway/src/commissioning/profile-command.js';
import { convertPointList } from '../../../gateway/src/commissioning/profile-from-list.js';
import { capture } from '../../support/command-io.js';
import { REPO_ROOT } from '../../support/fixtures.js';
import { tempStateDir } from '../../support/state-dir.js';

const HEAD = { id: 'acme', kind: 'acme-kind', name: 'Acme' };
const OPTIONS = { addressBase: 0 as const, priorities: DEFAULT_PRIORITIES };

describe('point list → profile (profile from-csv / from-xlsx)', () => {
  // A fresh folder per test, removed when the test process exits.
  let dir: string;
  beforeEach(() => {
    dir = tempStateDir();
  });

  it('reads function codes, Modicon references, types, word orders and scales in their field spellings', () => {
    const tables: [string, string][] = [
      ['3', 'holding'],
      ['03H', 'holding'],
      ['0x04', 'input'],
      ['FC1', 'coil'],
      ['16', 'holding'],
      ['保持寄存器', 'holding'],
      ['离散输入', 'discrete'],
    ];
    for (const [text, table] of tables) assert.equal(parseTable(text), table, text);
    assert.deepEqual(parseAddress('40101', undefined, 0), { address: 100, table: 'holding' });
    assert.deepEqual(parseAddress('300011', undefined, 0), { address: 10, table: 'input' });
    assert.deepEqual(parseAddress('0x10', 'holding', 0), { address: 16 });
    assert.deepEqual(parseAddress('40001', 'holding', 0), { address: 0, table: 'holding' });
    assert.deepEqual(parseAddress('1', 'holding', 1), { address: 0 });
    assert.deepEqual(parseType('Float (CDAB)', 'holding'), { type: 'float32', order: 'CDAB' });
    assert.deepEqual(parseType('32位无符号整数', 'input'), { type: 'uint32' });
    assert.deepEqual(parseType('', 'coil'), { type: 'bool' });
    assert.equal(parseWordOrder('低位在前'), 'little');
    assert.equal(parseWordOrder('ABCD'), 'big');
    assert.throws(() => parseWordOrder('BADC'), /swaps bytes/);
    assert.equal(parseScale('1/10'), 0.1);
    assert.equal(parseScale('×0.01'), 0.01);
    assert.throws(() => parseType('double', 'holding'), /not supported/);
  });

  it('converts the template in docs/ into a profile that loads, with Chinese and English headers', async () => {
    const file = join(REPO_ROOT, 'docs/point-list-template.csv');
    const result = convertPointList(await readPointList(file), file, HEAD, OPTIONS);
    assert.deepEqual(result.problems, []);
    assert.equal(result.headerRow, 1);
    const out = join(dir, 'acme.yaml');
    await writeFile(out, result.yaml);
    const profile = await loadProfileFile(out);
    assert.deepEqual(profile.points.channel_1_concentration?.modbus, { table: 'holding', address: 0, type: 'uint16', scale: 0.1 });
    assert.deepEqual(profile.points.outlet_pressure?.modbus, { table: 'input', address: 100, type: 'float32', wordOrder: 'little' });
    assert.deepEqual(profile.points.outlet_pressure?.limits?.lo, { value: 0.14, priority: DEFAULT_PRIORITIES.lo });
    assert.equal(profile.points.close_shut_off_valve?.writable, true);
    assert.match(result.yaml, /# row 4\n {2}outlet_pressure:/);
  });

  it('reports every row that cannot be converted with its row number and why, and writes nothing without --skip-bad-rows', async () => {
    const csv = [
      'Modbus point list, ACME GD-4 controller', // a title row above the header
      '名称,地址,功能码,数据类型,字节序,倍率,单位,高限,高高限',
      '浓度1,0,3,uint16,,0.1,%LEL,25,50',
      ',1,3,uint16,,,,,', // row 4: no name
      '压力,abc,4,float,,,MPa,,', // row 5: bad address
      '能量,10,4,double,,,kWh,,', // row 6: unsupported type
      '流量,12,4,float32,BADC,,m³/h,,', // row 7: byte-swapped order
      '状态,20,3,bool,,,,,', // row 8: bool in a register without a bit
      '温度,30,3,int16,,0.1,℃,80,60', // row 9: hi above hihi
      '',
      '电压,40001,,uint16,,0.1,V,,', // row 11: Modicon address, no function code
    ].join('\r\n');
    const file = join(dir, 'gd4.csv');
    await writeFile(file, csv);
    const result = convertPointList(await readPointList(file), file, HEAD, OPTIONS);
    assert.equal(result.headerRow, 2);
    assert.deepEqual(
      result.converted.map((r) => [r.row, r.id]),
      [
        [3, 'hr_0'],
        [11, 'hr_0_2'],
      ],
    );
    const byRow = new Map(result.problems.map((p) => [p.row, p.problems.join('; ')]));
    assert.deepEqual([...byRow.keys()], [4, 5, 6, 7, 8, 9]);
    assert.match(byRow.get(4) ?? '', /name cell is empty/);
    assert.match(byRow.get(5) ?? '', /address "abc"/);
    assert.match(byRow.get(6) ?? '', /"double" is not supported/);
    assert.match(byRow.get(7) ?? '', /swaps bytes/);
    assert.match(byRow.get(8) ?? '', /needs the bit/);
    assert.match(byRow.get(9) ?? '', /hihi|hi/);

    const out = join(dir, 'gd4.yaml');
    const io = capture();
    assert.equal(await profileCommand.run(['from-csv', file, '--id', 'gd4', '--out', out], io, {}), 1);
    assert.match(io.stderr, /row 6: data type "double" is not supported/);
    assert.match(io.stderr, /LL_ERR_POINT_LIST_ROWS/);
    await assert.rejects(readFile(out), { code: 'ENOENT' });
    const partial = capture();
    assert.equal(await profileCommand.run(['from-csv', file, '--id', 'gd4', '--out', out, '--skip-bad-rows'], partial, {}), 0);
    assert.deepEqual(Object.keys((await loadProfileFile(out)).points), ['hr_0', 'hr_0_2']);
  });

  it('reads a CSV saved as GB18030 by a Chinese Excel', async () => {
    const file = join(dir, 'gbk.csv');
    // "名称,地址,功能码\n浓度,5,4" in GB18030 (GBK code points).
    const gbk = Buffer.from('c3fbb3c62cb5d8d6b72cb9a6c4dcc2eb0ad5c5b6c82c352c340a', 'hex');
    await writeFile(file, gbk);
    const rows = await readPointList(file);
    assert.deepEqual(rows[0], ['名称', '地址', '功能码']);
  });

  it('converts an .xlsx workbook, a named worksheet, formulas as their results', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Cover').addRow(['not the point list']);
    const sheet = book.addWorksheet('Modbus');
    sheet.addRow(['Name', 'Address', 'Function Code', 'Data Type', 'Word Order', 'Scale', 'Unit', 'Access']);
    sheet.addRow(['Supply pressure', 100, 3, 'FLOAT', 'CDAB', 1, 'MPa', 'R']);
    sheet.addRow(['Pump start', { formula: '2*4', result: 8 }, 5, 'BOOL', '', '', '', 'RW']);
    sheet.addRow(['Bad one', 7, 9, 'uint16', '', '', '', '']);
    const file = join(dir, 'points.xlsx');
    await book.xlsx.writeFile(file);
    const result = convertPointList(await readPointList(file, 'Modbus'), file, HEAD, OPTIONS);
    assert.deepEqual(result.profile.points.supply_pressure?.modbus, {
      table: 'holding',
      address: 100,
      type: 'float32',
      wordOrder: 'little',
    });
    assert.deepEqual(result.profile.points.pump_start?.modbus, { table: 'coil', address: 8, type: 'bool' });
    assert.equal(result.profile.points.pump_start?.writable, true);
    assert.deepEqual(
      result.problems.map((p) => p.row),
      [4],
    );
    assert.match(result.problems[0]?.problems[0] ?? '', /function code or table "9"/);
    await assert.rejects(readPointList(file, 'Nope'), /no worksheet "Nope" \(worksheets: Cover, Modbus\)/);
  });

  it('names the missing columns when no header row is found', async () => {
    const file = join(dir, 'nohead.csv');
    await writeFile(file, 'foo,bar\n1,2\n');
    assert.throws(
      () => convertPointList([['foo', 'bar']], file, HEAD, OPTIONS),
      /LL_ERR_POINT_LIST_COLUMNS|no name \(name\/名称\), address/,
    );
  });
});
