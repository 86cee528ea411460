import { parseArgs } from 'node:util';
import { applyEnvironment, EXIT_CONFIG, KEEP_RUNNING, loadSiteConfig, runCli, stopOnSignals } from '@lifeline/core';
import { pino } from 'pino';
import type { ServedAt } from '../serving.js';
import { FirmwareSimulator } from '../simulator.js';

const USAGE = `usage:
  firmware-sim run --site site.yaml [--scenario name] [--time-scale N] [--sim-port N]
      serve the site's devices and the control API
  firmware-sim scenarios
      list the built-in scenarios

  --scenario NAME   start a scenario (firmware-sim/scenarios/NAME.yaml, or a path to a .yaml);
                    repeatable; the simulator keeps serving after it completes
  --device ID       run the scenarios on this device only (default: every device of the scenario's profile)
  --time-scale N    scenario and behaviour time runs N times faster than real time (default 1)
  --exit-after-scenarios  exit 0 once every --scenario has completed
  --sim-port N      control API port (env LIFELINE_SIM_PORT; default from the site file, else 8081)

  Devices are served where the site file says: modbus {host, port, framing} over TCP,
  modbus {serialPort} on a pseudo-terminal pair (socat) whose client end is serialPort,
  opcua {endpointUrl}. Port 0 picks a free port, printed at start. The live log (stderr,
  pino; LIFELINE_LOG_LEVEL=debug for every behaviour step) says what each device does.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      site: { type: 'string', short: 's' },
      scenario: { type: 'string', multiple: true },
      device: { type: 'string' },
      'time-scale': { type: 'string' },
      'exit-after-scenarios': { type: 'boolean' },
      'sim-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    process.stderr.write(`firmware-sim: --time-scale takes a positive number, got "${values['time-scale']}"\n`);
    return EXIT_CONFIG;
  }
  if (positionals[0] === 'scenarios' && !values.help) return listScenarios();
  if (values.help || positionals[0] !== 'run' || !values.site) {
    process.stdout.write(USAGE);
    return values.help ? 0 : EXIT_CONFIG;
  }
  const env = { ...process.env, ...(values['sim-port'] ? { LIFELINE_SIM_PORT: values['sim-port'] } : {}) };
  const site = applyEnvironment(await loadSiteConfig(values.site), env);
  const log = pino({ level: process.env.LIFELINE_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const scenarioDirs = (values.scenario ?? []).filter((s) => s.endsWith('.yaml')).map((s) => s.replace(/[^/]+$/, '') || './');
  const sim = new FirmwareSimulator(site, log, { timeScale, scenarioDirs });
  // Before start: a signal while lines and servers come up must still stop socat children and servers.
  stopOnSignals(() => sim.stop(), site.stopDeadlineMs);
  const endpoints = await sim.start();
  process.stdout.write(
    `firmware-sim: site ${site.site}\n  control API  http://localhost:${endpoints.controlPort}/devices (OpenAPI: /openapi.json)\n`,
  );
  for (const [id, at] of endpoints.served) process.stdout.write(`  ${id.padEnd(14)} ${describe(at)}\n`);
  const names = (values.scenario ?? []).map((s) => s.replace(/^.*\//, '').replace(/\.yaml$/, ''));
  for (const name of names) {
    const status = await sim.scenarios.start(name, { timeScale, ...(values.device ? { device: values.device } : {}) });
    process.stdout.write(`  scenario ${name} on ${status.devices.join(', ')}: ${status.durationMs / 1000} s at ×${timeScale}\n`);
  }
  if (values['exit-after-scenarios'] && names.length > 0) {
    const results = await Promise.all(names.map((n) => sim.scenarios.finished(n)));
    for (const r of results) process.stdout.write(`  scenario ${r.scenario} ${r.state}\n`);
    await sim.stop();
    return 0;
  }
  return KEEP_RUNNING;
}

async function listScenarios(): Promise<number> {
  const { listScenarioFiles, loadScenarioFile } = await import('../scenarios/load-scenario.js');
  for (const [name, file] of await listScenarioFiles()) {
    const s = await loadScenarioFile(file);
    process.stdout.write(`${name.padEnd(24)} ${s.profile.padEnd(22)} ${s.description.trim().split('\n')[0]}\n`);
  }
  return 0;
}

function describe(at: ServedAt): string {
  if (at.kind === 'modbus-rtu') return `modbus-rtu ${at.serialPort} ${at.baudRate} baud unit ${at.unitId}`;
  if (at.kind === 'opcua') return `opcua ${at.endpointUrl}`;
  return `${at.kind} ${at.host}:${at.port} unit ${at.unitId}`;
}

runCli(main);
