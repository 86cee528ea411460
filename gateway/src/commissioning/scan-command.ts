import { parseArgs } from 'node:util';
import { REGISTER_TABLES } from '@lifeline/core';
import { type CommandIo, type CommissioningCommand, intOption, runCommand, UsageError } from './command.js';
import { LINK_HELP, LINK_OPTIONS, linkFromOptions } from './modbus-target.js';
import { parseUnitRange, type ScanReport, scanLine, type TableProbe } from './scan.js';
import { textTable } from './text-table.js';

const OPTIONS = {
  ...LINK_OPTIONS,
  units: { type: 'string' },
  'probe-address': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Modbus over Serial Line V1.02 §2.2: 1–247 are the individual addresses (0 is broadcast, 248–255 reserved). */
const SERIAL_UNITS = '1-247';
const DEFAULT_TIMEOUT_MS = 200;

const HELP = `lifeline-gateway scan: find the Modbus unit ids that answer on a line (never writes)

usage: lifeline-gateway scan (--host H [--port N] [--rtu-over-tcp] | --serial DEV [--baud N ...]) [options]

${LINK_HELP}  --units LIST      unit ids to try, e.g. 1-247 or 1,2,10-20 (default ${SERIAL_UNITS})
  --timeout-ms N    how long to wait for each unit (default ${DEFAULT_TIMEOUT_MS}); raise it for slow
                    devices or low baud rates
  --probe-address N the register or bit read in each table (default 0)
  --json            a JSON report on stdout for scripts; progress stays on stderr

For each unit that answers: device identification (function 43/14) where the
unit implements it, and which register tables answer (coil, discrete input,
holding, input register: one read of --probe-address each).

examples:
  lifeline-gateway scan --serial /dev/ttyUSB0 --baud 9600 --parity even
  lifeline-gateway scan --host 192.168.1.30 --units 1-32 --timeout-ms 300
  lifeline-gateway scan --host 192.168.1.40 --port 4001 --rtu-over-tcp --json > bus.json
`;

export const scanCommand: CommissioningCommand = {
  usage: 'scan --host H | --serial DEV     find the unit ids that answer on a Modbus line',
  help: HELP,
  run: (argv, io) =>
    runCommand('scan', io, async () => {
      const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      const timeoutMs = intOption(values['timeout-ms'], 'timeout-ms', 10, 60_000, DEFAULT_TIMEOUT_MS);
      const link = linkFromOptions(values, 1, timeoutMs);
      let units: number[];
      try {
        units = parseUnitRange(values.units ?? SERIAL_UNITS, link.framing === 'rtu' ? 1 : 0, link.framing === 'rtu' ? 247 : 255);
      } catch (e) {
        throw new UsageError(`--units: ${(e as Error).message}`);
      }
      const report = await scanLine({
        link,
        units,
        timeoutMs,
        probeAddress: intOption(values['probe-address'], 'probe-address', 0, 65_535, 0),
        onProgress: progress(io),
      });
      io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderScan(report));
      return 0;
    }),
};

/** One stderr line per unit found and every tenth of the range, so a long serial scan shows it is alive. */
function progress(io: CommandIo): (done: number, total: number, unitId: number, found: number) => void {
  let lastFound = 0;
  return (done, total, unitId, found) => {
    const step = Math.max(1, Math.round(total / 10));
    if (found === lastFound && done % step !== 0 && done !== total) return;
    const hit = found > lastFound ? `, unit ${unitId} answers` : '';
    lastFound = found;
    io.err(`scan: ${done}/${total} unit ids tried, ${found} found${hit}\n`);
  };
}

/** `yes` (data), `yes, exc 2` (the table answers, not at that address), `no`. */
function tableCell(probe: TableProbe): string {
  const exception = /^exception (\d+)/.exec(probe.outcome)?.[1];
  if (!probe.answers) return 'no';
  return exception === undefined ? 'yes' : `yes, exc ${exception}`;
}

export function renderScan(report: ScanReport): string {
  const head = `${report.link}: ${report.units.length} of ${report.tried} unit id(s) answer (timeout ${report.timeoutMs} ms, tables probed at address ${report.probeAddress})\n`;
  if (report.units.length === 0) {
    return `${head}no unit answered: check baud rate, parity, wiring (A/B) and termination, or widen --units and raise --timeout-ms\n`;
  }
  const rows = report.units.map((u) => [
    String(u.unitId),
    u.identification
      ? [u.identification.vendorName, u.identification.productCode, u.identification.revision].filter(Boolean).join(' / ')
      : `— (${u.identificationNote})`,
    ...REGISTER_TABLES.map((t) => tableCell(u.tables[t])),
  ]);
  const details = report.units.flatMap((u) => REGISTER_TABLES.map((t) => `  unit ${u.unitId} ${t}: ${u.tables[t].outcome}`));
  const legend =
    'yes: the table answers (exc N: with exception N at that address, Modbus App Protocol §7); no: illegal function or no answer';
  return `${head}\n${textTable(['unit', 'identification (vendor / product / revision)', ...REGISTER_TABLES], rows)}${legend}\n\nprobe answers:\n${details.join('\n')}\n`;
}
