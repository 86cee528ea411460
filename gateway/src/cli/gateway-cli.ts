import { parseArgs } from 'node:util';
import { applyEnvironment, EXIT_CONFIG, KEEP_RUNNING, loadSiteConfig, stopOnSignals } from '@lifeline/core';
import { COMMISSIONING_COMMANDS, PROCESS_IO } from '../commissioning/index.js';
import { createLogger } from '../log.js';
import { Gateway } from '../runtime/gateway.js';
import { GATEWAY_VERSION } from '../version.js';

/**
 * A command the product adds to the gateway's CLI: the demo, which composes
 * the gateway with the simulator, lives where both may be imported
 * (demo/, DESIGN.md §2) and plugs in here.
 */
export interface CliCommand {
  /** One usage line after `lifeline-gateway `, e.g. `demo [--config site.yaml]   …`. */
  readonly usage: string;
  run(file: string | undefined, env: NodeJS.ProcessEnv): Promise<number>;
}

const usage = (extra: Readonly<Record<string, CliCommand>>) => `lifeline-gateway ${GATEWAY_VERSION}

usage:
  lifeline-gateway run --config site.yaml      run a gateway
  lifeline-gateway validate site.yaml          check a site config; exit 0 or list every error
${[...Object.values(extra), ...Object.values(COMMISSIONING_COMMANDS)].map((c) => `  lifeline-gateway ${c.usage}\n`).join('')}
  lifeline-gateway COMMAND --help              a command's options and examples

options:
  --http-port N     HTTP API and dashboard port      (env LIFELINE_HTTP_PORT)
  --mqtt-port N     embedded MQTT broker port        (env LIFELINE_MQTT_PORT)
  --sim-port N      simulator control API port, demo (env LIFELINE_SIM_PORT)
  --centre URL      centre broker, e.g. mqtt://host:1883 (env LIFELINE_CENTRE_URL)
  --state-dir DIR   durable state (alarms, outbox)   (env LIFELINE_STATE_DIR; the demo
                    otherwise uses a fresh temporary folder per run)
  -h, --help        this text
  -V, --version     the version

examples:
  lifeline-gateway validate examples/gas-station/site.yaml
  lifeline-gateway run --config site.yaml --http-port 8080 --centre mqtts://centre.example.org:8883
  lifeline-gateway scan --serial /dev/ttyUSB0 --baud 9600      (docs/commissioning.md)
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'http-port': { type: 'string' },
  'mqtt-port': { type: 'string' },
  'sim-port': { type: 'string' },
  centre: { type: 'string' },
  'state-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** The gateway's CLI with the product's extra commands; `runCli(gatewayCli())` runs it. */
export function gatewayCli(extra: Readonly<Record<string, CliCommand>> = {}): (argv: string[]) => Promise<number> {
  return (argv) => main(argv, extra);
}

async function main(argv: string[], extra: Readonly<Record<string, CliCommand>>): Promise<number> {
  const USAGE = usage(extra);
  // Commissioning commands take options of their own (gateway/src/commissioning/).
  const own = argv[0] === undefined ? undefined : COMMISSIONING_COMMANDS[argv[0]];
  if (own) return own.run(argv.slice(1), PROCESS_IO, process.env);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return EXIT_CONFIG;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`lifeline-gateway ${GATEWAY_VERSION}\n`);
    return 0;
  }
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : EXIT_CONFIG;
  }
  // Flags win over the environment; both win over the file.
  const env = {
    ...process.env,
    ...(values['http-port'] ? { LIFELINE_HTTP_PORT: values['http-port'] } : {}),
    ...(values['mqtt-port'] ? { LIFELINE_MQTT_PORT: values['mqtt-port'] } : {}),
    ...(values['sim-port'] ? { LIFELINE_SIM_PORT: values['sim-port'] } : {}),
    ...(values.centre ? { LIFELINE_CENTRE_URL: values.centre } : {}),
    ...(values['state-dir'] ? { LIFELINE_STATE_DIR: values['state-dir'] } : {}),
  };
  switch (command) {
    case 'validate':
      return validate(values.config ?? rest[0]);
    case 'run':
      return run(values.config ?? rest[0], env);
    default: {
      const more = extra[command];
      if (more) return more.run(values.config ?? rest[0], env);
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return EXIT_CONFIG;
    }
  }
}

async function validate(file: string | undefined): Promise<number> {
  if (!file) return missingConfig('validate');
  const site = await loadSiteConfig(file);
  const points = site.devices.reduce((n, d) => n + d.points.length, 0);
  process.stdout.write(
    `${site.file}: ok (site ${site.site}, gateway ${site.gateway}, ${site.devices.length} device(s), ${points} point(s))\n`,
  );
  return 0;
}

async function run(file: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  if (!file) return missingConfig('run --config');
  const site = applyEnvironment(await loadSiteConfig(file), env);
  const gateway = new Gateway(site, { log: createLogger() });
  const starting = gateway.start();
  // Before the gateway says it is up: a SIGTERM while it starts, or just after it printed so, stops it once
  // it has started (within the deadline) instead of killing it by the signal's default action.
  stopOnSignals(async () => {
    await starting.catch(() => undefined);
    await gateway.stop();
  }, site.stopDeadlineMs);
  const endpoints = await starting;
  process.stdout.write(`lifeline-gateway ${GATEWAY_VERSION}: site ${site.site}, gateway ${site.gateway}\n`);
  process.stdout.write(`  dashboard   http://localhost:${endpoints.httpPort}/\n`);
  if (endpoints.mqttPort !== undefined) process.stdout.write(`  local MQTT  mqtt://localhost:${endpoints.mqttPort}\n`);
  if (site.mqtt.centre) process.stdout.write(`  centre      ${site.mqtt.centre.url}\n`);
  return KEEP_RUNNING;
}

function missingConfig(what: string): number {
  process.stderr.write(`lifeline-gateway ${what}: name the site config file\n\n${usage({})}`);
  return EXIT_CONFIG;
}
