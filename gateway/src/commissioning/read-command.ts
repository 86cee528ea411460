import { parseArgs } from 'node:util';
import { loadSiteConfig } from '@lifeline/core';
import { type CommissioningCommand, runCommand } from './command.js';
import { LINK_HELP } from './modbus-target.js';
import { type PointReading, readPoint } from './point-io.js';
import { resolveTarget, TARGET_HELP, TARGET_OPTIONS } from './point-target.js';

export const READ_OPTIONS = { ...TARGET_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

const HELP = `lifeline-gateway read: read one point and show it decoded, with its raw registers

usage: lifeline-gateway read --config site.yaml DEVICE POINT [--json]
       lifeline-gateway read (--host H | --serial DEV) [--unit N] --address N [--table T] [--type T] ...

${TARGET_HELP}
the line, for a raw address without --config:
${LINK_HELP}  --json            the reading as JSON on stdout

examples:
  lifeline-gateway read --config site.yaml gas-1 lel1
  lifeline-gateway read --host 192.168.1.30 --unit 3 --table input --address 10 --type float32 --word-order little
  lifeline-gateway read --serial /dev/ttyUSB0 --baud 9600 --unit 2 --address 0 --scale 0.001 --json
`;

export const readCommand: CommissioningCommand = {
  usage: 'read --config site.yaml DEVICE POINT   read one point, decoded, with its raw registers',
  help: HELP,
  run: (argv, io) =>
    runCommand('read', io, async () => {
      const { values, positionals } = parseArgs({ args: [...argv], options: READ_OPTIONS, allowPositionals: true });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      const reading = await readPoint(await resolveTarget(values, positionals, loadSiteConfig));
      io.out(values.json ? `${JSON.stringify(reading, null, 2)}\n` : renderReading(reading));
      return 0;
    }),
};

/** `gas-1/lel1 (Channel 1 concentration) = 12.5 %LEL  good` and where it came from. */
export function renderReading(r: PointReading): string {
  const who = r.device === undefined ? r.point : `${r.device}/${r.point}`;
  const name = r.name === r.point ? '' : ` (${r.name})`;
  const value = `${String(r.value)}${r.unit ? ` ${r.unit}` : ''}`;
  const decode = `${r.type}${r.type.endsWith('32') ? `, word order ${r.wordOrder}` : ''}${r.bit === undefined ? '' : `, bit ${r.bit}`}, scale ${r.scale}, offset ${r.offset}`;
  return `${who}${name} = ${value}  ${r.quality}${r.reason ? ` (${r.reason})` : ''}
  ${r.link} unit ${r.unitId}, ${r.table} ${r.address}: raw ${r.rawHex.join(' ')} (${r.raw.join(' ')}), ${decode}
`;
}
