import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayError } from '../errors.js';
import { type CommissioningCommand, choiceOption, runCommand, UsageError } from './command.js';
import { writeNew } from './output-file.js';
import { readPointList } from './point-list-files.js';
import { DEFAULT_PRIORITIES } from './point-list-rows.js';
import { convertPointList, describeProblems } from './profile-from-list.js';

const OPTIONS = {
  id: { type: 'string' },
  kind: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  sheet: { type: 'string' },
  'address-base': { type: 'string' },
  out: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  'skip-bad-rows': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `lifeline-gateway profile from-csv | from-xlsx: turn a vendor's point list (点表) into a device profile

usage: lifeline-gateway profile from-csv LIST.csv --id ID [--kind K] [--name N] [--out FILE.yaml]
       lifeline-gateway profile from-xlsx LIST.xlsx [--sheet NAME] --id ID ...

The first rows are searched for a header naming at least the name and the
address; the other columns are optional. English or Chinese headers:
  name/名称  address/地址  function code or table/功能码  data type/数据类型
  word order/字节序  scale/倍率  offset/偏移  unit/单位  bit/位  access/读写
  min/量程下限  max/量程上限  hihi/高高限  hi/高限  lo/低限  lolo/低低限  id/标识
Function codes 1–6, 15, 16 or table names (holding, 保持寄存器 …) name the table;
without them, a Modicon address (40001 = holding 0, 30001 = input 0) does. Limits
get priorities hihi ${DEFAULT_PRIORITIES.hihi}, hi ${DEFAULT_PRIORITIES.hi}, lo ${DEFAULT_PRIORITIES.lo}, lolo ${DEFAULT_PRIORITIES.lolo}: adjust them and add their basis.
docs/point-list-template.csv is a template.

  --id ID           the profile id (lower-case letters, digits, - and _); default from the file name
  --kind K          the device kind, e.g. combustible-gas-detector (default: the id)
  --name N          a human name (default: the id)
  --sheet NAME      the worksheet of an .xlsx (default the first)
  --address-base 0|1  1 if the list numbers registers from 1 (register 1 = address 0); default 0
  --out FILE        write the profile there (default: stdout); --force overwrites
  --skip-bad-rows   write the rows that convert even if others do not (they are still listed)
  --json            a JSON report (profile, converted rows, problems) on stdout

Every row that cannot be converted is listed with its row number and why;
without --skip-bad-rows nothing is written then (exit 1).

examples:
  lifeline-gateway profile from-csv docs/point-list-template.csv --id acme-gas --out profiles/acme-gas.yaml
  lifeline-gateway profile from-xlsx 点表.xlsx --sheet Modbus --id pump-vfd --kind water-pump-vfd -o profiles/pump-vfd.yaml
`;

export const profileCommand: CommissioningCommand = {
  usage: 'profile from-csv LIST.csv --id ID     a device profile from a point list (.csv or .xlsx)',
  help: HELP,
  run: (argv, io) =>
    runCommand('profile', io, async () => {
      const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      const [sub, file] = positionals;
      if (sub !== 'from-csv' && sub !== 'from-xlsx') throw new UsageError('use: profile from-csv LIST.csv --id ID (or from-xlsx)');
      if (file === undefined) throw new UsageError(`name the point list: profile ${sub} LIST --id ID`);
      const id = values.id ?? slug(basename(file, extname(file)));
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) throw new UsageError(`--id "${id}" must be lower-case letters, digits, - and _`);
      const base = Number(choiceOption(values['address-base'], 'address-base', ['0', '1'] as const, '0')) as 0 | 1;
      const sheet = await readPointList(file, values.sheet);
      const result = convertPointList(
        sheet,
        file,
        { id, kind: values.kind ?? id, name: values.name ?? id, ...(values.description ? { description: values.description } : {}) },
        { addressBase: base, priorities: DEFAULT_PRIORITIES },
      );
      const summary = `${file}: header in row ${result.headerRow}, ${result.converted.length} point(s) converted, ${result.problems.length} row(s) not\n`;
      io.err(summary + (result.problems.length > 0 ? `rows that could not be converted:\n${describeProblems(result.problems)}` : ''));
      if (result.converted.length === 0) throw gatewayError('LL_ERR_POINT_LIST_ROWS', file, result.problems.length);
      const refuse = result.problems.length > 0 && !values['skip-bad-rows'];
      if (values.json)
        io.out(`${JSON.stringify({ file, written: refuse ? null : (values.out ?? 'stdout'), ...result, yaml: undefined }, null, 2)}\n`);
      if (refuse) throw gatewayError('LL_ERR_POINT_LIST_ROWS', file, result.problems.length);
      if (values.out !== undefined) {
        await writeNew(values.out, result.yaml, values.force === true);
        io.err(`wrote ${values.out}: profile ${id}, ${result.converted.length} point(s); it validates as written\n`);
      } else if (!values.json) io.out(result.yaml);
      return 0;
    }),
};

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'device'
  );
}
