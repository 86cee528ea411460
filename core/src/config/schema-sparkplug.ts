import { dirname, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import { CentreSchema, secret } from './schema-uplinks.js';
import type { CentreLink, DeviceConfig } from './site-config.js';
import type { YamlSource } from './yaml-source.js';

/**
 * `mqtt.sparkplug` (issue 20): the gateway as a Sparkplug B 3.0 edge node on
 * a broker of its own (often a SCADA host's, not the centre's). The link
 * settings are the centre's; the Sparkplug ids default to the site's.
 * Sparkplug 3.0 §4.1.1: group, edge node and device ids are UTF-8 without
 * the MQTT wildcards and the topic separator.
 */
const SparkplugId = (what: string) => Type.String({ pattern: '^[^/+#]{1,64}$', description: `${what}; any characters but / + #` });

const WriteSchema = Type.Object(
  {
    device: Type.String({ minLength: 1, description: 'a device id of this site' }),
    point: Type.String({ minLength: 1, description: 'a writable point of that device' }),
  },
  { additionalProperties: false },
);

/** The centre link's settings but its PUBACK timeout: Sparkplug data goes out at QoS 0 (§6.4.9). */
const { ackTimeoutMs: _ack, ...linkSettings } = CentreSchema.properties;

export const SparkplugSchema = Type.Object(
  {
    ...linkSettings,
    username: Type.Optional(Type.String({ description: 'user name at the Sparkplug broker' })),
    url: Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'the Sparkplug broker, mqtt://host:1883, mqtts://…' }),
    clientId: Type.Optional(Type.String({ description: 'MQTT client id; default lifeline-sp-{site}-{gateway}' })),
    groupId: Type.Optional(SparkplugId('Sparkplug group id; default the site id')),
    edgeNodeId: Type.Optional(SparkplugId('Sparkplug edge node id; default the gateway id')),
    primaryHostId: Type.Optional(SparkplugId('the primary host application id: births wait for its spBv1.0/STATE/{id} to say online')),
    writes: Type.Optional(
      Type.Array(WriteSchema, {
        description: 'points a Sparkplug host may write by DCMD; every other DCMD is refused (default: none)',
      }),
    ),
  },
  { additionalProperties: false },
);

export type SparkplugInput = Static<typeof SparkplugSchema>;

export interface SparkplugWrite {
  readonly device: string;
  readonly point: string;
}

export interface SparkplugLink extends CentreLink {
  readonly groupId: string;
  readonly edgeNodeId: string;
  readonly primaryHostId?: string;
  /** DCMD writes allowed, per device and point; empty refuses every DCMD. */
  readonly writes: readonly SparkplugWrite[];
}

interface SparkplugContext {
  readonly file: string;
  readonly site: string;
  readonly gateway: string;
  readonly telemetryEnabled: boolean;
  readonly devices: readonly DeviceConfig[];
}

/** The Sparkplug link with defaults, and its cross-references checked (file:line for each). */
export function buildSparkplug(
  input: SparkplugInput | undefined,
  context: SparkplugContext,
  source: YamlSource,
  issues: ConfigIssue[],
): SparkplugLink | undefined {
  if (!input) return undefined;
  const at = ['mqtt', 'sparkplug'];
  if (!context.telemetryEnabled) {
    issues.push(source.issueAt(at, 'Sparkplug NDATA/DDATA come from telemetry, which is disabled', 'remove telemetry.enabled: false'));
  }
  for (const [index, write] of (input.writes ?? []).entries()) checkWrite(write, [...at, 'writes', index], context, source, issues);
  const password = secret(input.password, input.passwordEnv, [...at, 'passwordEnv'], source, issues);
  const here = (f: string) => resolve(dirname(context.file), f);
  const tls = input.tls;
  return {
    url: input.url,
    protocolVersion: input.protocolVersion ?? DEFAULTS.mqttProtocolVersion,
    clientId: input.clientId ?? `lifeline-sp-${context.site}-${context.gateway}`,
    groupId: input.groupId ?? context.site,
    edgeNodeId: input.edgeNodeId ?? context.gateway,
    writes: input.writes ?? [],
    ...(input.primaryHostId !== undefined ? { primaryHostId: input.primaryHostId } : {}),
    ...(input.username !== undefined ? { username: input.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(input.keepaliveS !== undefined ? { keepaliveS: input.keepaliveS } : {}),
    ...(tls
      ? {
          tls: {
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
            ...(tls.caFile ? { caFile: here(tls.caFile) } : {}),
            ...(tls.certFile ? { certFile: here(tls.certFile) } : {}),
            ...(tls.keyFile ? { keyFile: here(tls.keyFile) } : {}),
            ...(tls.servername ? { servername: tls.servername } : {}),
          },
        }
      : {}),
  };
}

/** A DCMD-writable point must exist and be writable (the same rule as a local action's write). */
function checkWrite(
  write: SparkplugWrite,
  at: (string | number)[],
  context: SparkplugContext,
  source: YamlSource,
  issues: ConfigIssue[],
): void {
  const device = context.devices.find((d) => d.id === write.device);
  if (!device) {
    const ids = context.devices.map((d) => d.id).join(', ');
    issues.push(source.issueAt([...at, 'device'], `no device "${write.device}"`, `use one of: ${ids}`));
    return;
  }
  const point = device.points.find((p) => p.id === write.point);
  if (!point) {
    const ids = device.points.map((p) => p.id).join(', ');
    issues.push(source.issueAt([...at, 'point'], `device "${device.id}" has no point "${write.point}"`, `use one of: ${ids}`));
    return;
  }
  if (!point.writable) {
    const writable = device.points.filter((p) => p.writable).map((p) => p.id);
    issues.push(
      source.issueAt(
        [...at, 'point'],
        `point "${device.id}/${point.id}" is not writable (its profile says so)`,
        writable.length > 0 ? `use one of: ${writable.join(', ')}` : `device "${device.id}" has no writable point: remove this entry`,
      ),
    );
  }
}
