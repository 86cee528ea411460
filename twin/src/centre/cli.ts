import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { CENTRE_ENV } from './centre-environment.js';
import { CentreError } from './centre-errors.js';
import { parsePartition } from './partition.js';
import { startCentre } from './run-centre.js';

const USAGE = `usage:
  lifeline-centre run --broker URL [options]   mirror every gateway's twin; serve HTTP and WebSocket

options:
  --broker URL        the centre broker, mqtt://host:1883   (env LIFELINE_CENTRE_BROKER)
  --http-port N       HTTP API port, default 8090, 0 = free  (env LIFELINE_CENTRE_HTTP_PORT)
  --http-host H       HTTP bind address, default 127.0.0.1   (env LIFELINE_CENTRE_HTTP_HOST)
  --token T           bearer token every POST must carry      (env LIFELINE_CENTRE_TOKEN)
  --partition k/n     mirror only the sites of partition k of n (several instances share the fleet)
  -h, --help          this text
`;

const OPTIONS = {
  broker: { type: 'string' },
  'http-port': { type: 'string' },
  'http-host': { type: 'string' },
  token: { type: 'string' },
  partition: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Exit code 2 for usage errors, like lifeline-gateway. */
const EXIT_USAGE = 2;

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals[0] !== 'run') return usage(positionals[0] ? `unknown command "${positionals[0]}"` : 'name a command');
  const brokerUrl = values.broker ?? env[CENTRE_ENV.broker];
  if (!brokerUrl || !/^(mqtts?|wss?|tcp|ssl):\/\//.test(brokerUrl))
    return usage('--broker: give the broker URL, e.g. mqtt://localhost:1883');
  const portText = values['http-port'] ?? env[CENTRE_ENV.httpPort] ?? '8090';
  const httpPort = Number(portText);
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) return usage(`--http-port "${portText}" is not a port (0-65535)`);
  const partition = values.partition === undefined ? undefined : parsePartition(values.partition);
  if (typeof partition === 'string') return usage(partition);
  const token = values.token ?? env[CENTRE_ENV.token];
  const log = pino({ level: env[CENTRE_ENV.logLevel] ?? 'info' });
  const centre = await startCentre({
    brokerUrl,
    httpHost: values['http-host'] ?? env[CENTRE_ENV.httpHost] ?? '127.0.0.1',
    httpPort,
    log,
    ...(token ? { token } : {}),
    ...(partition ? { partition } : {}),
  });
  process.stdout.write(`lifeline-centre: mirroring ${brokerUrl}${partition ? ` (partition ${partition.index}/${partition.count})` : ''}\n`);
  process.stdout.write(
    `  twins    ${centre.url}/api/twins\n  alarms   ${centre.url}/api/alarms\n  feed     ${centre.url.replace(/^http/, 'ws')}/ws\n`,
  );
  const stop = () => {
    centre.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

function usage(message: string): number {
  process.stderr.write(`lifeline-centre: ${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    // A known failure is one line (code and message), never a stack trace.
    process.stderr.write(e instanceof CentreError ? `${e.code}: ${e.message}\n` : `lifeline-centre: ${(e as Error).message}\n`);
    process.exit(e instanceof CentreError ? EXIT_USAGE : 1);
  },
);
