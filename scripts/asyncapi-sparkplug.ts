// The Sparkplug B 3.0 channels of docs/asyncapi.yaml (issue 20, docs/sparkplug.md):
// what the gateway publishes as an edge node on mqtt.sparkplug and what it
// accepts there. Payloads are Sparkplug B protobuf (sparkplug_b.proto), which
// JSON Schema cannot describe field by field: their schema says so and names
// the .proto; STATE is JSON and has a real schema.

interface SparkplugChannel {
  readonly address: string;
  readonly action: 'send' | 'receive';
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly message: string;
  readonly schema: 'sparkplug-payload' | 'sparkplug-host-state';
  readonly description: string;
}

const node = 'spBv1.0/{group}/%s/{edgeNode}';
const device = 'spBv1.0/{group}/%s/{edgeNode}/{device}';

export const SPARKPLUG_CHANNELS: Readonly<Record<string, SparkplugChannel>> = {
  sparkplugNbirth: {
    address: node.replace('%s', 'NBIRTH'),
    action: 'send',
    qos: 0,
    retain: false,
    message: 'SparkplugNbirth',
    schema: 'sparkplug-payload',
    description:
      'Node birth: seq 0, bdSeq, Node Control/Rebirth, the node properties and every alarm metric Alarms/{alarmId}/{State|Priority|Value|Limit}.',
  },
  sparkplugNdeath: {
    address: node.replace('%s', 'NDEATH'),
    action: 'send',
    qos: 1,
    retain: false,
    message: 'SparkplugNdeath',
    schema: 'sparkplug-payload',
    description: 'Node death: the MQTT Will of each CONNECT (and published on a clean stop), the bdSeq metric only, no seq.',
  },
  sparkplugNdata: {
    address: node.replace('%s', 'NDATA'),
    action: 'send',
    qos: 0,
    retain: false,
    message: 'SparkplugNdata',
    schema: 'sparkplug-payload',
    description: 'Alarm lifecycle changes as alarm metrics by alias; replayed after an outage with is_historical.',
  },
  sparkplugNcmd: {
    address: node.replace('%s', 'NCMD'),
    action: 'receive',
    qos: 0,
    retain: false,
    message: 'SparkplugNcmd',
    schema: 'sparkplug-payload',
    description: 'Node Control/Rebirth = true: fresh NBIRTH and DBIRTHs. Anything else is refused, counted and logged.',
  },
  sparkplugDbirth: {
    address: device.replace('%s', 'DBIRTH'),
    action: 'send',
    qos: 0,
    retain: false,
    message: 'SparkplugDbirth',
    schema: 'sparkplug-payload',
    description:
      'Device birth: every point as a metric (Boolean or Double) with engUnit, engLow, engHigh, Quality and writable properties.',
  },
  sparkplugDdeath: {
    address: device.replace('%s', 'DDEATH'),
    action: 'send',
    qos: 0,
    retain: false,
    message: 'SparkplugDdeath',
    schema: 'sparkplug-payload',
    description: "The device's comm is lost (offline); a DBIRTH follows when it answers again.",
  },
  sparkplugDdata: {
    address: device.replace('%s', 'DDATA'),
    action: 'send',
    qos: 0,
    retain: false,
    message: 'SparkplugDdata',
    schema: 'sparkplug-payload',
    description:
      'Readings by exception (the telemetry rule), by alias, timed at the sample, with a Quality property; is_historical on replay.',
  },
  sparkplugDcmd: {
    address: device.replace('%s', 'DCMD'),
    action: 'receive',
    qos: 0,
    retain: false,
    message: 'SparkplugDcmd',
    schema: 'sparkplug-payload',
    description: 'Writes to points listed in mqtt.sparkplug.writes, by name or alias, through the local-action write path with read-back.',
  },
  sparkplugState: {
    address: 'spBv1.0/STATE/{hostId}',
    action: 'receive',
    qos: 1,
    retain: true,
    message: 'SparkplugHostState',
    schema: 'sparkplug-host-state',
    description: 'The primary host application (mqtt.sparkplug.primaryHostId): births wait for online=true; online=false ends the session.',
  },
};

export const SparkplugPayloadSchema = {
  $id: 'SparkplugPayload',
  title: 'Sparkplug B payload',
  description:
    'A Sparkplug B 3.0 protobuf Payload (org.eclipse.tahu.protobuf.Payload, sparkplug_b.proto from Eclipse Tahu), not JSON. docs/sparkplug.md lists its metrics.',
  type: 'string',
  contentMediaType: 'application/x-protobuf',
};

export const SparkplugHostStateSchema = {
  $id: 'SparkplugHostState',
  title: 'Sparkplug 3.0 STATE',
  type: 'object',
  properties: {
    online: { type: 'boolean', description: 'Whether the host application is online' },
    timestamp: { type: 'integer', description: 'ms since epoch; a STATE older than the last one seen is ignored' },
  },
  required: ['online', 'timestamp'],
};

const parameters = (address: string) =>
  Object.fromEntries([...address.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, { description: PARAMETERS[name as string] }]));

const PARAMETERS: Record<string, string> = {
  group: 'Sparkplug group id (mqtt.sparkplug.groupId, default the site id)',
  edgeNode: 'Edge node id (mqtt.sparkplug.edgeNodeId, default the gateway id)',
  device: 'A device id of the site',
  hostId: 'The primary host id (mqtt.sparkplug.primaryHostId)',
};

export function sparkplugChannels() {
  return Object.fromEntries(
    Object.entries(SPARKPLUG_CHANNELS).map(([id, c]) => [
      id,
      {
        address: c.address,
        parameters: parameters(c.address),
        description: c.description,
        servers: [{ $ref: '#/servers/sparkplug' }],
        messages: {
          [c.message]: {
            name: c.message,
            contentType: c.schema === 'sparkplug-payload' ? 'application/x-protobuf' : 'application/json',
            payload: { $ref: `./schemas/${c.schema}.schema.json` },
          },
        },
      },
    ]),
  );
}

export function sparkplugOperations() {
  return Object.fromEntries(
    Object.entries(SPARKPLUG_CHANNELS).map(([id, c]) => [
      `${c.action}${id[0]?.toUpperCase()}${id.slice(1)}`,
      {
        action: c.action,
        channel: { $ref: `#/channels/${id}` },
        description: c.description,
        bindings: { mqtt: { qos: c.qos, retain: c.retain, bindingVersion: '0.2.0' } },
      },
    ]),
  );
}
