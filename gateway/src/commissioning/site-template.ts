import { DEFAULTS, type Profile } from '@lifeline/core';
import { UsageError } from './command.js';

/** A device the engineer chose: its id, profile and how it is reached. */
export interface DeviceChoice {
  readonly id: string;
  readonly profile: Profile;
  readonly link: LinkChoice;
}

export type LinkChoice =
  | { readonly kind: 'tcp' | 'rtu-over-tcp'; readonly host: string; readonly port: number; readonly unitId: number }
  | {
      readonly kind: 'rtu';
      readonly serialPort: string;
      readonly baudRate: number;
      readonly parity: 'none' | 'even' | 'odd';
      readonly unitId: number;
    }
  | { readonly kind: 'opcua'; readonly endpointUrl: string };

export interface SiteChoice {
  readonly site: string;
  readonly gateway: string;
  /** Written as profilesDir (relative to the site file) when profiles come from outside device-profiles/. */
  readonly profilesDir?: string;
  readonly devices: readonly DeviceChoice[];
}

/**
 * Parses `[ID=]PROFILE@URL`: tcp://host[:port]?unit=N, rtu-over-tcp://host:port?unit=N,
 * rtu:/dev/ttyUSB0?unit=N&baud=9600&parity=even, or opc.tcp://host:4840/path.
 */
export function parseDeviceSpec(spec: string): { id?: string; profile: string; link: LinkChoice } {
  const m = /^(?:([a-z0-9][a-z0-9_-]{0,63})=)?([a-z0-9][a-z0-9_-]{0,63})@(.+)$/.exec(spec);
  if (!m) throw new UsageError(`--device "${spec}" is not [ID=]PROFILE@URL, e.g. gas-1=gas-detector@tcp://192.168.1.30:502?unit=1`);
  const [, id, profile, where] = m as unknown as [string, string | undefined, string, string];
  return { ...(id === undefined ? {} : { id }), profile, link: parseLink(where, spec) };
}

function parseLink(where: string, spec: string): LinkChoice {
  if (where.startsWith('opc.tcp://')) return { kind: 'opcua', endpointUrl: where };
  let url: URL;
  try {
    url = new URL(where);
  } catch {
    throw new UsageError(`--device "${spec}": "${where}" is not a tcp://, rtu-over-tcp://, rtu: or opc.tcp:// address`);
  }
  const q = url.searchParams;
  const unitId = integer(q.get('unit'), 'unit', 0, 255, DEFAULTS.modbusUnitId, spec);
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'tcp' || scheme === 'rtu-over-tcp') {
    if (!url.hostname) throw new UsageError(`--device "${spec}": name the host, e.g. tcp://192.168.1.30:502`);
    const port = url.port === '' ? (scheme === 'tcp' ? DEFAULTS.modbusPort : undefined) : Number(url.port);
    if (port === undefined)
      throw new UsageError(`--device "${spec}": a serial device server needs its port, e.g. rtu-over-tcp://192.168.1.40:4001`);
    return { kind: scheme, host: url.hostname.replace(/^\[|\]$/g, ''), port, unitId };
  }
  if (scheme === 'rtu') {
    const parity = q.get('parity') ?? DEFAULTS.modbusParity;
    if (parity !== 'none' && parity !== 'even' && parity !== 'odd') throw new UsageError(`--device "${spec}": parity is none, even or odd`);
    if (!url.pathname.startsWith('/')) throw new UsageError(`--device "${spec}": name the serial port, e.g. rtu:/dev/ttyUSB0`);
    const baudRate = integer(q.get('baud'), 'baud', 300, 921_600, DEFAULTS.modbusBaudRate, spec);
    return { kind: 'rtu', serialPort: decodeURIComponent(url.pathname.replace(/^\/\/+/, '/')), baudRate, parity, unitId };
  }
  throw new UsageError(`--device "${spec}": unknown scheme "${scheme}:" (tcp, rtu-over-tcp, rtu, opc.tcp)`);
}

function integer(text: string | null, what: string, min: number, max: number, fallback: number, spec: string): number {
  if (text === null) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--device "${spec}": ${what} must be ${min}..${max}`);
  return n;
}

const scalar = (text: string) => (/^[\w./-]+$/.test(text) && !/^[\d.]+$/.test(text) ? text : JSON.stringify(text));

/** The site config as YAML with a comment on every section: it validates as written (the init command checks). */
export function renderSite(choice: SiteChoice): string {
  return `# Site config written by \`lifeline-gateway init\`. Reference: docs/configuration.md
# Check it with:  lifeline-gateway validate THIS-FILE
# Run it with:    lifeline-gateway run --config THIS-FILE

# Topic levels: lifeline/v1/{site}/{gateway}/… (docs/topics.md)
site: ${choice.site}
gateway: ${choice.gateway}
${choice.profilesDir === undefined ? '' : `# Profiles made for this site (profile from-csv), searched before device-profiles/.\nprofilesDir: ${scalar(choice.profilesDir)}\n`}
# The dashboard and HTTP API. Loopback only: off loopback it needs tokens (docs/security.md).
http: { host: ${DEFAULTS.httpHost}, port: ${DEFAULTS.httpPort} }

mqtt:
  # The embedded broker for local clients (SCADA, Node-RED).
  local: { host: ${DEFAULTS.mqttLocalHost}, port: ${DEFAULTS.mqttLocalPort} }
  # The monitoring centre's broker: uncomment and fill in (docs/configuration.md#mqtt).
  # centre:
  #   url: mqtts://centre.example.org:8883
  #   username: ${choice.gateway}
  #   password: "\${env:CENTRE_MQTT_PASSWORD}"   # secrets stay out of the file (\${env:…} or \${file:…})

devices:
${choice.devices.map(renderDevice).join('\n')}`;
}

function renderDevice(d: DeviceChoice): string {
  const points = Object.keys(d.profile.points);
  const limited = Object.entries(d.profile.points).find(([, p]) => p.limits && Object.keys(p.limits).length > 0);
  const override = limited
    ? `    # Site overrides of the profile's alarm limits, field by field, e.g.:
    # points:
    #   ${limited[0]}:
    #     limits:
    #       ${Object.keys(limited[1].limits ?? {})[0]}: { value: ${Object.values(limited[1].limits ?? {})[0]?.value} }
`
    : '';
  return `  # ${d.profile.name} (profile ${d.profile.id}: ${points.length} point(s): ${points.slice(0, 6).join(', ')}${points.length > 6 ? ', …' : ''})
  - id: ${d.id}
    profile: ${d.profile.id}
${renderLink(d.link)}    # How often every point is read, ms.
    pollIntervalMs: ${DEFAULTS.pollIntervalMs}
${override}`;
}

function renderLink(link: LinkChoice): string {
  switch (link.kind) {
    case 'tcp':
      return `    # Modbus TCP; timeoutMs: how long to wait for each answer.
    modbus: { host: ${scalar(link.host)}, port: ${link.port}, unitId: ${link.unitId}, timeoutMs: ${DEFAULTS.modbusTimeoutMs} }
`;
    case 'rtu-over-tcp':
      return `    # RTU frames over TCP through a transparent serial device server.
    modbus: { host: ${scalar(link.host)}, port: ${link.port}, framing: rtu-over-tcp, unitId: ${link.unitId}, timeoutMs: ${DEFAULTS.modbusTimeoutMs} }
`;
    case 'rtu':
      return `    # Modbus RTU on a serial line (RS-485); every device on the line shares it, one request at a time.
    modbus: { serialPort: ${scalar(link.serialPort)}, baudRate: ${link.baudRate}, parity: ${link.parity}, unitId: ${link.unitId}, timeoutMs: ${DEFAULTS.modbusTimeoutMs} }
`;
    case 'opcua':
      return `    # OPC UA; add securityMode: SignAndEncrypt and a username for a secured server (docs/configuration.md).
    opcua: { endpointUrl: ${JSON.stringify(link.endpointUrl)} }
`;
  }
}
