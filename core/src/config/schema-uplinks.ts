import { type Static, Type } from '@sinclair/typebox';
import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import { listenerTlsSchema } from './schema-tls.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Site config for delivery (issue #6): the outbox and its disk budget,
 * telemetry report-by-exception, InfluxDB sinks, centre TLS and credentials,
 * local broker users and ACLs. Secrets may come from the environment
 * (`passwordEnv`, `tokenEnv` name a variable), so site files need not hold them.
 */

const EnvName = Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'name of an environment variable holding the secret' });
const Filters = Type.Array(Type.String({ minLength: 1 }), { description: 'MQTT topic filters (+ and # allowed)' });

export const CentreSchema = Type.Object(
  {
    url: Type.String({
      pattern: '^(mqtts?|wss?|tcp|ssl)://',
      description: "the centre's broker, mqtt://host:1883, mqtts://…, ws://, wss://; LIFELINE_CENTRE_URL sets it",
    }),
    clientId: Type.Optional(Type.String({ description: 'MQTT client id at the centre; default lifeline-{site}-{gateway}' })),
    username: Type.Optional(Type.String({ description: 'user name at the centre broker' })),
    password: Type.Optional(Type.String({ description: 'its password; better passwordEnv or a file: secret reference' })),
    passwordEnv: Type.Optional(EnvName),
    protocolVersion: Type.Optional(
      Type.Union([Type.Literal(4), Type.Literal(5)], { default: DEFAULTS.mqttProtocolVersion, description: 'MQTT 3.1.1 (4) or 5' }),
    ),
    keepaliveS: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 3600,
        default: DEFAULTS.mqttKeepaliveS,
        description: 'MQTT keep-alive, s; a dead link is noticed after 1.5× this',
      }),
    ),
    ackTimeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 600_000,
        default: DEFAULTS.mqttAckTimeoutMs,
        description: 'a QoS 1 publish without PUBACK this long fails and is sent again (same ids)',
      }),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          caFile: Type.Optional(Type.String({ description: 'PEM CA bundle that signed the broker certificate' })),
          certFile: Type.Optional(Type.String({ description: 'PEM client certificate' })),
          keyFile: Type.Optional(Type.String({ description: 'PEM client key' })),
          rejectUnauthorized: Type.Optional(Type.Boolean({ default: true, description: 'verify the broker certificate' })),
          servername: Type.Optional(Type.String({ description: 'SNI / expected certificate name if not the URL host' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const LocalBrokerSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: true, description: 'run the embedded MQTT broker for site-local consumers' })),
    host: Type.Optional(Type.String({ default: DEFAULTS.mqttLocalHost, description: "the embedded broker's address" })),
    port: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65535,
        default: DEFAULTS.mqttLocalPort,
        description: 'its port; 0 picks a free one; LIFELINE_MQTT_PORT overrides',
      }),
    ),
    tls: Type.Optional(listenerTlsSchema('MQTTS only on this port: a plain MQTT connection is refused')),
    maxPacketBytes: Type.Optional(
      Type.Integer({
        minimum: 8_192,
        maximum: 268_435_455,
        default: DEFAULTS.mqttLocalMaxPacketBytes,
        description:
          "the largest MQTT packet a local client may send (the gateway's own client excepted); a larger one closes the connection before it is buffered; keep it above twin.maxDesiredBytes",
      }),
    ),
    allowInsecure: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'off loopback without users the broker is refused unless this is true (a closed test network only; warned at every start); anonymous clients still cannot command',
      }),
    ),
    users: Type.Optional(
      Type.Array(
        Type.Object(
          {
            username: Type.String({ minLength: 1, description: 'the login of a local client' }),
            password: Type.Optional(Type.String({ description: 'its password; or passwordEnv' })),
            passwordEnv: Type.Optional(EnvName),
            publish: Type.Optional(Filters),
            subscribe: Type.Optional(Filters),
          },
          { additionalProperties: false },
        ),
        { description: 'when set, clients must log in and are limited to their topic filters' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const OutboxSchema = Type.Object(
  {
    budgetBytes: Type.Optional(
      Type.Integer({
        minimum: 65_536,
        default: DEFAULTS.outboxBudgetBytes,
        description:
          'disk budget of the outbox payloads (256 MiB by default); beyond it telemetry is dropped oldest-first, alarms and twin never',
      }),
    ),
    telemetryRetentionMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: DEFAULTS.telemetryRetentionMs,
        description:
          'telemetry older than this is dropped even if a sink never took it (7 days by default); 0 keeps it until the budget forces',
      }),
    ),
    replayRatePerS: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100_000,
        default: DEFAULTS.replayRatePerS,
        description: 'backlog messages per second per sink when a link comes back',
      }),
    ),
    syncIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 60_000,
        default: DEFAULTS.outboxSyncIntervalMs,
        description:
          'telemetry, twin records and sink cursors reach the disk at least this often (alarm events before their commit returns): a power cut loses at most this much of them, a process crash nothing',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TelemetrySchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: true, description: 'publish telemetry batches on the telemetry topic' })),
    deadband: Type.Optional(
      Type.Number({
        minimum: 0,
        default: DEFAULTS.telemetryDeadband,
        description: 'a number is reported when it moved at least this much (point unit) since last reported; 0 = every change',
      }),
    ),
    maxSilenceMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        default: DEFAULTS.telemetryMaxSilenceMs,
        description: 'heartbeat: a point silent this long is reported anyway',
      }),
    ),
    batchIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 60_000,
        default: DEFAULTS.telemetryBatchIntervalMs,
        description: 'a batch closes this long after its first reading',
      }),
    ),
    batchMaxReadings: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000,
        default: DEFAULTS.telemetryBatchMaxReadings,
        description: 'or when it holds this many readings',
      }),
    ),
  },
  { additionalProperties: false },
);

export const InfluxSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
        description: 'the sink name in /api/outbox and metrics; default influx, influx-2, …',
      }),
    ),
    url: Type.String({ pattern: '^https?://', description: 'the server, http://influxdb:8086' }),
    version: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1: /write API; 2: v2 write API' }),
    database: Type.Optional(Type.String({ minLength: 1, description: 'v1: the database; required for v1' })),
    retentionPolicy: Type.Optional(Type.String({ minLength: 1, description: "v1: the retention policy; the database's default without" })),
    username: Type.Optional(Type.String({ description: 'v1: user name' })),
    password: Type.Optional(Type.String({ description: 'v1: password; or passwordEnv' })),
    passwordEnv: Type.Optional(EnvName),
    org: Type.Optional(Type.String({ minLength: 1, description: 'v2: the organisation; required for v2' })),
    bucket: Type.Optional(Type.String({ minLength: 1, description: 'v2: the bucket; required for v2' })),
    token: Type.Optional(Type.String({ description: 'v2: API token; or tokenEnv' })),
    tokenEnv: Type.Optional(EnvName),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 120_000, default: DEFAULTS.influxTimeoutMs, description: 'how long one write may take, ms' }),
    ),
  },
  { additionalProperties: false },
);

export type CentreInput = Static<typeof CentreSchema>;
export type LocalBrokerInput = Static<typeof LocalBrokerSchema>;
export type InfluxInput = Static<typeof InfluxSchema>;

export interface LocalUser {
  readonly username: string;
  readonly password: string;
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

export type InfluxConfig =
  | {
      readonly name: string;
      readonly version: 1;
      readonly url: string;
      readonly database: string;
      readonly retentionPolicy?: string;
      readonly username?: string;
      readonly password?: string;
      readonly timeoutMs: number;
    }
  | {
      readonly name: string;
      readonly version: 2;
      readonly url: string;
      readonly org: string;
      readonly bucket: string;
      readonly token: string;
      readonly timeoutMs: number;
    };

export interface DeliveryConfig {
  readonly outbox: {
    readonly budgetBytes: number;
    readonly telemetryRetentionMs: number;
    readonly replayRatePerS: number;
    readonly syncIntervalMs: number;
  };
  readonly telemetry: {
    readonly enabled: boolean;
    readonly deadband: number;
    readonly maxSilenceMs: number;
    readonly batchIntervalMs: number;
    readonly batchMaxReadings: number;
  };
  readonly influx: readonly InfluxConfig[];
}

export interface DeliveryInput {
  readonly outbox?: Static<typeof OutboxSchema>;
  readonly telemetry?: Static<typeof TelemetrySchema>;
  readonly influx?: readonly InfluxInput[];
}

/** Reads a secret given inline or through `…Env`; a named variable that is unset is a located issue. */
export function secret(
  inline: string | undefined,
  envName: string | undefined,
  at: (string | number)[],
  source: YamlSource,
  issues: ConfigIssue[],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (envName === undefined) return inline;
  const value = env[envName];
  if (value === undefined)
    issues.push(source.issueAt(at, `environment variable ${envName} is not set`, `export ${envName}=… before starting`));
  return value;
}

export function buildDelivery(input: DeliveryInput, source: YamlSource, issues: ConfigIssue[]): DeliveryConfig {
  const o = input.outbox ?? {};
  const t = input.telemetry ?? {};
  return {
    outbox: {
      budgetBytes: o.budgetBytes ?? DEFAULTS.outboxBudgetBytes,
      telemetryRetentionMs: o.telemetryRetentionMs ?? DEFAULTS.telemetryRetentionMs,
      replayRatePerS: o.replayRatePerS ?? DEFAULTS.replayRatePerS,
      syncIntervalMs: o.syncIntervalMs ?? DEFAULTS.outboxSyncIntervalMs,
    },
    telemetry: {
      enabled: t.enabled ?? true,
      deadband: t.deadband ?? DEFAULTS.telemetryDeadband,
      maxSilenceMs: t.maxSilenceMs ?? DEFAULTS.telemetryMaxSilenceMs,
      batchIntervalMs: t.batchIntervalMs ?? DEFAULTS.telemetryBatchIntervalMs,
      batchMaxReadings: t.batchMaxReadings ?? DEFAULTS.telemetryBatchMaxReadings,
    },
    influx: (input.influx ?? []).flatMap((i, index) => buildInflux(i, index, source, issues)),
  };
}

function buildInflux(i: InfluxInput, index: number, source: YamlSource, issues: ConfigIssue[]): InfluxConfig[] {
  const at = ['influx', index];
  const name = i.name ?? (index === 0 ? 'influx' : `influx-${index + 1}`);
  const timeoutMs = i.timeoutMs ?? DEFAULTS.influxTimeoutMs;
  const need = (keys: readonly (keyof InfluxInput)[]) => {
    const missing = keys.filter((k) => i[k] === undefined);
    for (const k of missing) issues.push(source.issueAt(at, `InfluxDB v${i.version} needs "${k}"`, `add ${k}: …`));
    return missing.length === 0;
  };
  if (i.version === 1) {
    if (!need(['database'])) return [];
    const password = secret(i.password, i.passwordEnv, [...at, 'passwordEnv'], source, issues);
    return [
      {
        name,
        version: 1,
        url: i.url,
        database: i.database as string,
        timeoutMs,
        ...(i.retentionPolicy ? { retentionPolicy: i.retentionPolicy } : {}),
        ...(i.username !== undefined ? { username: i.username } : {}),
        ...(password !== undefined ? { password } : {}),
      },
    ];
  }
  if (!need(['org', 'bucket'])) return [];
  const token = secret(i.token, i.tokenEnv, [...at, 'tokenEnv'], source, issues);
  if (token === undefined && i.tokenEnv === undefined) {
    issues.push(source.issueAt(at, 'InfluxDB v2 needs "token" or "tokenEnv"', 'add tokenEnv: INFLUX_TOKEN and export it'));
  }
  return [{ name, version: 2, url: i.url, org: i.org as string, bucket: i.bucket as string, token: token ?? '', timeoutMs }];
}

export function buildLocalUsers(local: LocalBrokerInput | undefined, source: YamlSource, issues: ConfigIssue[]): LocalUser[] {
  return (local?.users ?? []).map((u, index) => {
    const at = ['mqtt', 'local', 'users', index];
    const password = secret(u.password, u.passwordEnv, [...at, 'passwordEnv'], source, issues);
    if (password === undefined && u.passwordEnv === undefined) {
      issues.push(source.issueAt(at, `user "${u.username}" has no password`, 'add password: or passwordEnv:'));
    }
    return { username: u.username, password: password ?? '', publish: u.publish ?? [], subscribe: u.subscribe ?? [] };
  });
}
