import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { CENTRE_ENV } from './centre-environment.js';
import { CentreError } from './centre-errors.js';
import { parseOperators } from './operators.js';
import { startCentre } from './run-centre.js';

const USAGE = `usage:
  lifeline-centre run --broker URL [--db postgres://…] [options]
                      mirror every gateway's twin and alarm journal; serve the API and the alarm console

options:
  --broker URL        the centre broker, mqtt://host:1883   (env LIFELINE_CENTRE_BROKER)
  --http-port N       HTTP API port, default 8090, 0 = free  (env LIFELINE_CENTRE_HTTP_PORT)
  --http-host H       HTTP bind address, default 127.0.0.1   (env LIFELINE_CENTRE_HTTP_HOST)
  --db URL            PostgreSQL, postgres://user@host/db: the shared store; instances
                      then share the fleet through MQTT 5 shared subscriptions (env LIFELINE_CENTRE_DB)
  --instance ID       this instance's stable name (its MQTT sessions)  (env LIFELINE_CENTRE_INSTANCE)
  --share-group G     the shared-subscription group, default lifeline-centre
  --consumers N       MQTT connections taking the shared subscriptions, default 64
  --pool N            PostgreSQL connections, default 8
  --token T           bearer token every POST must carry (operator "centre")  (env LIFELINE_CENTRE_TOKEN)
  --operators L       console logins, user:token,user:token  (env LIFELINE_CENTRE_OPERATORS)
  -h, --help          this text
`;

const OPTIONS = {
  broker: { type: 'string' },
  'http-port': { type: 'string' },
  'http-host': { type: 'string' },
  token: { type: 'string' },
  db: { type: 'string' },
  instance: { type: 'string' },
  'share-group': { type: 'string' },
  consumers: { type: 'string' },
  pool: { type: 'string' },
  operators: { type: 'string' },
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
  const token = values.token ?? env[CENTRE_ENV.token];
  const operators = parseOperators(values.operators ?? env[CENTRE_ENV.operators], undefined);
  if (typeof operators === 'string') return usage(operators);
  const dbUrl = values.db ?? env[CENTRE_ENV.db];
  if (dbUrl !== undefined && dbUrl !== '' && !/^postgres(ql)?:\/\//.test(dbUrl))
    return usage('--db: give a PostgreSQL URL, e.g. postgres://centre@db:5432/centre');
  const instanceId = values.instance ?? env[CENTRE_ENV.instance];
  const consumers = positiveInteger(values.consumers, '--consumers');
  const poolSize = positiveInteger(values.pool, '--pool');
  if (typeof consumers === 'string') return usage(consumers);
  if (typeof poolSize === 'string') return usage(poolSize);
  const log = pino({ level: env[CENTRE_ENV.logLevel] ?? 'info' });
  const centre = await startCentre({
    brokerUrl,
    httpHost: values['http-host'] ?? env[CENTRE_ENV.httpHost] ?? '127.0.0.1',
    httpPort,
    log,
    ...(token ? { token } : {}),
    ...(operators.size ? { operators } : {}),
    ...(dbUrl ? { dbUrl } : {}),
    ...(instanceId ? { instanceId } : {}),
    ...(values['share-group'] ? { shareGroup: values['share-group'] } : {}),
    ...(consumers ? { consumers } : {}),
    ...(poolSize ? { poolSize } : {}),
  });
  // Before it says it is up: a SIGTERM just after the lines below stops it, not the signal's default action.
  const stop = () => {
    centre.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`lifeline-centre: mirroring ${brokerUrl}${dbUrl ? ' into PostgreSQL (shared subscriptions)' : ' in memory'}\n`);
  process.stdout.write(
    `  console  ${centre.url}/console/\n  twins    ${centre.url}/api/twins\n  alarms   ${centre.url}/api/alarms\n  journal  ${centre.url}/api/journal\n  feed     ${centre.url.replace(/^http/, 'ws')}/ws\n`,
  );
  return -1;
}

/** A flag that must be a whole number ≥ 1: the number, undefined when absent, or the usage error. */
function positiveInteger(text: string | undefined, flag: string): number | undefined | string {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? n : `${flag} "${text}" is not a whole number ≥ 1`;
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
