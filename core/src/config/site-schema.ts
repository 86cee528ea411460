import { type Static, Type } from '@sinclair/typebox';
import { LimitSchema, limitsOf } from './profile-schema.js';
import { AcquisitionSchema } from './schema-acquisition.js';
import { ActionSchema, AlarmOptionsSchema } from './schema-alarms.js';
import { HttpSchema } from './schema-http.js';
import { TwinConfigSchema } from './schema-twin.js';
import { CentreSchema, InfluxSchema, LocalBrokerSchema, OutboxSchema, TelemetrySchema } from './schema-uplinks.js';

/** JSON Schema of a site config: the one file a field engineer writes. */

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'lower-case letters, digits, - and _' });
const Port = Type.Integer({ minimum: 0, maximum: 65535, description: '0 picks a free port' });

/** Site overrides of a profile limit: any field, none required. */
const LimitOverrideSchema = Type.Partial(LimitSchema, { additionalProperties: false });

/**
 * A Modbus link: TCP (`host`), RTU framing over TCP (`host` + `framing:
 * rtu-over-tcp`, e.g. a serial device server) or RTU on a serial line
 * (`serialPort`). Exactly one of host and serialPort (checked on load).
 */
export const ModbusLinkSchema = Type.Object(
  {
    host: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'default 502' })),
    framing: Type.Optional(
      Type.Unsafe<'tcp' | 'rtu-over-tcp'>({ type: 'string', enum: ['tcp', 'rtu-over-tcp'], description: 'default tcp' }),
    ),
    serialPort: Type.Optional(Type.String({ minLength: 1, description: 'e.g. /dev/ttyUSB0' })),
    baudRate: Type.Optional(Type.Integer({ minimum: 300, maximum: 921_600, description: 'default 9600' })),
    parity: Type.Optional(
      Type.Unsafe<'none' | 'even' | 'odd'>({ type: 'string', enum: ['none', 'even', 'odd'], description: 'default none' }),
    ),
    dataBits: Type.Optional(Type.Unsafe<7 | 8>({ type: 'integer', enum: [7, 8], description: 'default 8' })),
    stopBits: Type.Optional(Type.Unsafe<1 | 2>({ type: 'integer', enum: [1, 2], description: 'default 1' })),
    unitId: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'default 1' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000, description: 'default 1000' })),
  },
  { additionalProperties: false },
);

/** An OPC UA server endpoint (OPC 10000-4 §7.14 security modes). */
export const OpcuaLinkSchema = Type.Object(
  {
    endpointUrl: Type.String({ pattern: '^opc\\.tcp://', description: 'opc.tcp://host:4840/path' }),
    securityMode: Type.Optional(
      Type.Unsafe<'None' | 'Sign' | 'SignAndEncrypt'>({
        type: 'string',
        enum: ['None', 'Sign', 'SignAndEncrypt'],
        description: 'default None',
      }),
    ),
    securityPolicy: Type.Optional(Type.String({ description: 'e.g. Basic256Sha256; default None' })),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const SiteDeviceSchema = Type.Object(
  {
    id: Id,
    profile: Id,
    name: Type.Optional(Type.String()),
    modbus: Type.Optional(ModbusLinkSchema),
    opcua: Type.Optional(OpcuaLinkSchema),
    pollIntervalMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'default 1000' })),
    acquisition: Type.Optional(AcquisitionSchema),
    points: Type.Optional(
      Type.Record(
        Id,
        Type.Object(
          {
            limits: Type.Optional(limitsOf(LimitOverrideSchema)),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export const SiteSchema = Type.Object(
  {
    site: Id,
    gateway: Id,
    profilesDir: Type.Optional(Type.String({ description: 'extra profile folder, relative to this file' })),
    stateDir: Type.Optional(Type.String({ description: 'where the gateway keeps durable state (SQLite), relative to this file' })),
    http: Type.Optional(HttpSchema),
    mqtt: Type.Optional(
      Type.Object({ local: Type.Optional(LocalBrokerSchema), centre: Type.Optional(CentreSchema) }, { additionalProperties: false }),
    ),
    outbox: Type.Optional(OutboxSchema),
    telemetry: Type.Optional(TelemetrySchema),
    influx: Type.Optional(Type.Array(InfluxSchema, { description: 'InfluxDB sinks for telemetry' })),
    simulator: Type.Optional(
      Type.Object(
        {
          http: Type.Optional(
            Type.Object({ host: Type.Optional(Type.String()), port: Type.Optional(Port) }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    twin: Type.Optional(TwinConfigSchema),
    devices: Type.Array(SiteDeviceSchema, { minItems: 1 }),
    actions: Type.Optional(Type.Array(ActionSchema, { description: 'local automatic control rules' })),
    alarms: Type.Optional(AlarmOptionsSchema),
  },
  { $id: 'https://lifeline.dev/schemas/site.json', additionalProperties: false },
);

export type SiteConfigInput = Static<typeof SiteSchema>;
export type SiteDeviceInput = Static<typeof SiteDeviceSchema>;
