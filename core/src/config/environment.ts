import { PORT_VARIABLES } from './defaults.js';
import { TOKEN_VARIABLES } from './schema-http.js';

/**
 * Every environment variable the gateway and the simulator read, declared
 * once: the code reads them through these names, docs/configuration.md's
 * environment table is generated from this list (npm run schemas), and a
 * test fails when a source file names a LIFELINE_ variable that is not here.
 * The centre's own variables are in twin/src/centre/centre-environment.ts.
 */
export interface EnvironmentVariable {
  readonly name: string;
  /** Which programs read it. */
  readonly readBy: readonly ('gateway' | 'simulator' | 'centre')[];
  /** The site-config key it overrides, if any. */
  readonly overrides?: string;
  readonly meaning: string;
}

export const ENV_CENTRE_URL = 'LIFELINE_CENTRE_URL';
export const ENV_STATE_DIR = 'LIFELINE_STATE_DIR';
export const ENV_LOG_LEVEL = 'LIFELINE_LOG_LEVEL';

const tokenMeaning = (role: string) =>
  `adds one ${role} token (user \`env-${role}\`) to \`http.tokens\`; at least 16 characters, or the gateway refuses to start (\`LL_ERR_CONFIG_ENV\`, without echoing the value)`;

export const GATEWAY_ENVIRONMENT: readonly EnvironmentVariable[] = [
  {
    name: PORT_VARIABLES.http,
    readBy: ['gateway'],
    overrides: 'http.port',
    meaning: 'HTTP API and dashboard port (`--http-port`); not a port: `LL_ERR_CONFIG_ENV`',
  },
  {
    name: PORT_VARIABLES.mqtt,
    readBy: ['gateway'],
    overrides: 'mqtt.local.port',
    meaning: 'embedded broker port (`--mqtt-port`); not a port: `LL_ERR_CONFIG_ENV`',
  },
  {
    name: PORT_VARIABLES.sim,
    readBy: ['gateway', 'simulator'],
    overrides: 'simulator.http.port',
    meaning: 'simulator control API port (`--sim-port`; the demo and `firmware-sim run`)',
  },
  { name: ENV_CENTRE_URL, readBy: ['gateway'], overrides: 'mqtt.centre.url', meaning: 'the centre broker URL (`--centre`)' },
  {
    name: ENV_STATE_DIR,
    readBy: ['gateway'],
    overrides: 'stateDir',
    meaning:
      'the durable state folder (`outbox.db`, `alarms.db`, `history.db`, OPC UA `pki/`), e.g. a container volume; relative to the working directory (`--state-dir`); without it the demo uses a fresh temporary folder per run, removed on a clean stop',
  },
  ...Object.entries(TOKEN_VARIABLES).map(([role, name]) => ({ name, readBy: ['gateway'] as const, meaning: tokenMeaning(role) })),
  {
    name: ENV_LOG_LEVEL,
    readBy: ['gateway', 'simulator', 'centre'],
    meaning: 'log level: `fatal`, `error`, `warn`, `info` (default; `warn` for the demo), `debug`, `trace`',
  },
];
