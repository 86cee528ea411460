/**
 * The environment variables `lifeline-centre run` reads (each a flag's
 * fallback), declared once: cli.ts reads them by these names and
 * docs/configuration.md's environment table is generated from this list.
 */
export const CENTRE_ENV = {
  broker: 'LIFELINE_CENTRE_BROKER',
  httpPort: 'LIFELINE_CENTRE_HTTP_PORT',
  httpHost: 'LIFELINE_CENTRE_HTTP_HOST',
  token: 'LIFELINE_CENTRE_TOKEN',
  operators: 'LIFELINE_CENTRE_OPERATORS',
  db: 'LIFELINE_CENTRE_DB',
  instance: 'LIFELINE_CENTRE_INSTANCE',
  logLevel: 'LIFELINE_LOG_LEVEL',
} as const;

export const CENTRE_ENVIRONMENT: readonly { readonly name: string; readonly meaning: string }[] = [
  { name: CENTRE_ENV.broker, meaning: 'the centre broker, `mqtt://host:1883` (`--broker`)' },
  { name: CENTRE_ENV.httpPort, meaning: 'HTTP API port, default 8090, 0 = a free one (`--http-port`)' },
  {
    name: CENTRE_ENV.httpHost,
    meaning:
      'HTTP bind address, default 127.0.0.1 (`--http-host`); off loopback without `--token` the centre warns at start that anyone on the network may send acks, shelving and limit changes',
  },
  { name: CENTRE_ENV.token, meaning: 'the bearer token every POST must carry, recorded as the operator `centre` (`--token`)' },
  {
    name: CENTRE_ENV.operators,
    meaning: 'console logins, `user:token,user:token` (tokens ≥ 16 characters); each write is recorded under its user (`--operators`)',
  },
  {
    name: CENTRE_ENV.db,
    meaning:
      'PostgreSQL URL, `postgres://user@host/db`: the shared store; instances then share the fleet through `$share/…` subscriptions (`--db`)',
  },
  { name: CENTRE_ENV.instance, meaning: "this instance's stable name: its MQTT sessions survive a restart under it (`--instance`)" },
];
