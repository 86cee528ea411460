import { parseArgs } from 'node:util';
import { applyEnvironment, EXIT_CONFIG, KEEP_RUNNING, loadSiteConfig, runCli, stopOnSignals } from '@lifeline/core';
import { createLogger } from '../log.js';
import { Gateway } from '../runtime/gateway.js';
import { GATEWAY_VERSION } from '../runtime/version.js';
import { DEMO_SITE, demoBanner, startDemo } from './demo.js';

const USAGE = `lifeline-gateway ${GATEWAY_VERSION}

usage:
  lifeline-gateway run --config site.yaml      run a gateway
  lifeline-gateway validate site.yaml          check a site config; exit 0 or list every error
  lifeline-gateway demo [--config site.yaml]   simulator + gateway + broker + dashboard on this machine

options:
  --http-port N     HTTP API and dashboard port      (env LIFELINE_HTTP_PORT)
  --mqtt-port N     embedded MQTT broker port        (env LIFELINE_MQTT_PORT)
  --sim-port N      simulator control API port, demo (env LIFELINE_SIM_PORT)
  --centre URL      centre broker, e.g. mqtt://host:1883 (env LIFELINE_CENTRE_URL)
  --state-dir DIR   durable state (alarms, outbox)   (env LIFELINE_STATE_DIR; the demo
                    otherwise uses a fresh temporary folder per run)
  -h, --help        this text
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'http-port': { type: 'string' },
  'mqtt-port': { type: 'string' },
  'sim-port': { type: 'string' },
  centre: { type: 'string' },
  'state-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return EXIT_CONFIG;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
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
    case 'demo':
      return demo(values.config ?? DEMO_SITE, env);
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return EXIT_CONFIG;
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
  const endpoints = await gateway.start();
  process.stdout.write(`lifeline-gateway ${GATEWAY_VERSION}: site ${site.site}, gateway ${site.gateway}\n`);
  process.stdout.write(`  dashboard   http://localhost:${endpoints.httpPort}/\n`);
  if (endpoints.mqttPort !== undefined) process.stdout.write(`  local MQTT  mqtt://localhost:${endpoints.mqttPort}\n`);
  if (site.mqtt.centre) process.stdout.write(`  centre      ${site.mqtt.centre.url}\n`);
  stopOnSignals(() => gateway.stop());
  return KEEP_RUNNING;
}

async function demo(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  // The demo talks to a person on stdout; keep the JSON logs to warnings unless asked.
  const running = await startDemo(file, env, createLogger(env.LIFELINE_LOG_LEVEL ?? 'warn'));
  // Handlers first: whoever reads the banner may press Ctrl-C at once, and a clean stop removes a temporary state folder.
  stopOnSignals(() => running.stop());
  process.stdout.write(`${demoBanner(running)}\n`);
  return KEEP_RUNNING;
}

function missingConfig(what: string): number {
  process.stderr.write(`lifeline-gateway ${what}: name the site config file\n\n${USAGE}`);
  return EXIT_CONFIG;
}

runCli(main);
