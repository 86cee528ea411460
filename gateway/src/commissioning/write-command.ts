import { parseArgs } from 'node:util';
import { loadSiteConfig } from '@lifeline/core';
import { gatewayError } from '../errors.js';
import { type CommissioningCommand, runCommand, UsageError } from './command.js';
import { LINK_HELP } from './modbus-target.js';
import { parseValue, writePoint } from './point-io.js';
import { resolveTarget, TARGET_HELP } from './point-target.js';
import { READ_OPTIONS, renderReading } from './read-command.js';

const OPTIONS = { ...READ_OPTIONS, yes: { type: 'boolean', short: 'y' } } as const;

const HELP = `lifeline-gateway write: write one point, then read it back and show it

usage: lifeline-gateway write --config site.yaml DEVICE POINT VALUE --yes [--json]
       lifeline-gateway write (--host H | --serial DEV) [--unit N] --address N [--table T] [--type T] ... VALUE --yes

A write changes a live output (a valve, a relay, a set-point): nothing is sent
without --yes. A named point must be writable in its profile. Holding registers
and coils only (Modbus functions 5, 6 and 16). VALUE is in engineering units
(scale and offset apply); true/false, on/off or 1/0 for booleans; a negative
VALUE goes last after --, e.g. ... --yes -- -12.5.

${TARGET_HELP}
the line, for a raw address without --config:
${LINK_HELP}  --yes, -y         really write
  --json            the read-back as JSON on stdout

examples:
  lifeline-gateway write --config site.yaml gas-1 valve_close true --yes
  lifeline-gateway write --host 192.168.1.30 --unit 1 --address 40 --type float32 --scale 0.1 12.5 --yes
`;

export const writeCommand: CommissioningCommand = {
  usage: 'write --config site.yaml DEVICE POINT VALUE --yes   write one point and read it back',
  help: HELP,
  run: (argv, io) =>
    runCommand('write', io, async () => {
      const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      const text = positionals.at(-1);
      if (text === undefined || positionals.length < (values.config !== undefined && values.address === undefined ? 3 : 1)) {
        throw new UsageError('give the value to write last, e.g. write --config site.yaml DEVICE POINT 12.5 --yes');
      }
      const target = await resolveTarget(values, positionals.slice(0, -1), loadSiteConfig);
      const { point } = target;
      if (!point.writable) throw gatewayError('LL_ERR_WRITE_NOT_WRITABLE', target.device, point.id);
      if (point.register.table === 'input' || point.register.table === 'discrete') {
        throw new UsageError(
          `${point.register.table} ${point.register.address} is read-only in Modbus: write a holding register or a coil`,
        );
      }
      const value = parseValue(point, text);
      if (value === undefined)
        throw new UsageError(`"${text}" is not a ${point.dataType === 'boolean' ? 'boolean (true/false)' : 'number'}`);
      const where = `${target.device ?? 'unit'}/${point.id}`;
      if (!values.yes) throw gatewayError('LL_ERR_WRITE_UNCONFIRMED', String(value), where);
      const back = await writePoint(target, value);
      io.out(
        values.json
          ? `${JSON.stringify({ written: value, readBack: back }, null, 2)}\n`
          : `wrote ${String(value)}, read back:\n${renderReading(back)}`,
      );
      return 0;
    }),
};
