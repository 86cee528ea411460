import { parseArgs } from 'node:util';
import { EXIT_CONFIG, explain, stopOnSignals } from '@lifeline/gateway/cli';
import { applyEnvironment, loadSiteConfig } from '@lifeline/gateway/config';
import { pino } from 'pino';
import { FirmwareSimulator } from '../simulator.js';

const USAGE = `usage:
  firmware-sim run --site site.yaml [--sim-port N]   serve the site's devices and the control API

  --sim-port N   control API port (env LIFELINE_SIM_PORT; default from the site file, else 8081)
  Devices are served where the site file says (modbus.host, modbus.port, modbus.unitId);
  port 0 picks a free port, printed at start.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { site: { type: 'string', short: 's' }, 'sim-port': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || positionals[0] !== 'run' || !values.site) {
    process.stdout.write(USAGE);
    return values.help ? 0 : EXIT_CONFIG;
  }
  const env = { ...process.env, ...(values['sim-port'] ? { LIFELINE_SIM_PORT: values['sim-port'] } : {}) };
  const site = applyEnvironment(await loadSiteConfig(values.site), env);
  const log = pino({ level: process.env.LIFELINE_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const sim = new FirmwareSimulator(site, log);
  const endpoints = await sim.start();
  process.stdout.write(`firmware-sim: site ${site.site}\n  control API  http://localhost:${endpoints.controlPort}/devices\n`);
  for (const [id, at] of endpoints.devices) process.stdout.write(`  ${id.padEnd(12)} modbus-tcp ${at.host}:${at.port} unit ${at.unitId}\n`);
  stopOnSignals(() => sim.stop());
  return -1;
}

/** -1 means "keep running until a signal". */
main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = explain(e);
    process.exit();
  },
);
