import { type Static, Type } from '@sinclair/typebox';
import { DEFAULTS } from './defaults.js';
import { LimitSchema, limitsOf, NamesSchema } from './profile-schema.js';
import { AcquisitionSchema } from './schema-acquisition.js';
import { ActionSchema, AlarmOptionsSchema } from './schema-alarms.js';
import { HttpSchema } from './schema-http.js';
import { SparkplugSchema } from './schema-sparkplug.js';
import { TwinConfigSchema } from './schema-twin.js';
import { CentreSchema, InfluxSchema, LocalBrokerSchema, OutboxSchema, TelemetrySchema } from './schema-uplinks.js';

/** JSON Schema of a site config: the one file a field engineer writes. */

/** The bound on Modbus TCP pipelining: many TCP-to-serial gateways queue 8–16 requests; more only lengthens their queue. */
export const MAX_IN_FLIGHT = 16;

/**
 * An id; `title` says what it names (docs/configuration.md), `description` its
 * form, which the loader's pattern error offers as the fix.
 */
const id = (title: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', title, description: 'lower-case letters, digits, - and _' });

/** Site overrides of a profile limit: any field, none required. */
const LimitOverrideSchema = Type.Partial(LimitSchema, { additionalProperties: false });

/**
 * A Modbus link: TCP (`host`), RTU framing over TCP (`host` + `framing:
 * rtu-over-tcp`, e.g. a serial device server) or RTU on a serial line
 * (`serialPort`). Exactly one of host and serialPort (checked on load).
 */
export const ModbusLinkSchema = Type.Object(
  {
    host: Type.Optional(
      Type.String({ minLength: 1, description: "the device's (or serial device server's) address; exactly one of host and serialPort" }),
    ),
    port: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65535,
        default: DEFAULTS.modbusPort,
        description: 'its Modbus TCP port (0: only for the simulator and demo, a free port)',
      }),
    ),
    framing: Type.Optional(
      Type.Unsafe<'tcp' | 'rtu-over-tcp'>({
        type: 'string',
        enum: ['tcp', 'rtu-over-tcp'],
        default: DEFAULTS.modbusFraming,
        description: 'MBAP (Modbus TCP), or raw RTU frames with CRC over TCP (a transparent serial device server)',
      }),
    ),
    serialPort: Type.Optional(Type.String({ minLength: 1, description: 'RTU on a serial line instead of host, e.g. /dev/ttyUSB0' })),
    baudRate: Type.Optional(
      Type.Integer({
        minimum: 300,
        maximum: 921_600,
        default: DEFAULTS.modbusBaudRate,
        description: 'serial only, bit/s; also sets the 3.5-character inter-frame gap',
      }),
    ),
    parity: Type.Optional(
      Type.Unsafe<'none' | 'even' | 'odd'>({
        type: 'string',
        enum: ['none', 'even', 'odd'],
        default: DEFAULTS.modbusParity,
        description: 'serial only',
      }),
    ),
    dataBits: Type.Optional(
      Type.Unsafe<7 | 8>({ type: 'integer', enum: [7, 8], default: DEFAULTS.modbusDataBits, description: 'serial only' }),
    ),
    stopBits: Type.Optional(
      Type.Unsafe<1 | 2>({ type: 'integer', enum: [1, 2], default: DEFAULTS.modbusStopBits, description: 'serial only' }),
    ),
    unitId: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 255, default: DEFAULTS.modbusUnitId, description: 'the Modbus unit (slave) id' }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 60_000,
        default: DEFAULTS.modbusTimeoutMs,
        description: 'how long to wait for each response, ms',
      }),
    ),
    maxInFlight: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_IN_FLIGHT,
        default: DEFAULTS.modbusMaxInFlight,
        description:
          'Modbus TCP (framing tcp) only: requests outstanding at once on the link, matched by MBAP transaction id (pipelining, for devices and gateways that accept it), at most one per unit; every device on one host:port must say the same',
      }),
    ),
  },
  { additionalProperties: false },
);

/** An OPC UA server endpoint (OPC 10000-4 §7.14 security modes). */
export const OpcuaLinkSchema = Type.Object(
  {
    endpointUrl: Type.String({ pattern: '^opc\\.tcp://', description: 'the server endpoint, opc.tcp://host:4840/path' }),
    securityMode: Type.Optional(
      Type.Unsafe<'None' | 'Sign' | 'SignAndEncrypt'>({
        type: 'string',
        enum: ['None', 'Sign', 'SignAndEncrypt'],
        default: DEFAULTS.opcuaSecurityMode,
        description: 'message security; certificates are kept in <stateDir>/pki',
      }),
    ),
    securityPolicy: Type.Optional(
      Type.String({
        default: DEFAULTS.opcuaSecurityPolicy,
        description: 'the security policy, e.g. Basic256Sha256, Aes128_Sha256_RsaOaep',
      }),
    ),
    username: Type.Optional(Type.String({ description: 'a UserName identity token; anonymous without' })),
    password: Type.Optional(Type.String({ description: 'the password of username' })),
  },
  { additionalProperties: false },
);

export const SiteDeviceSchema = Type.Object(
  {
    id: id('device id, unique in the site'),
    profile: id('a profile id: device-profiles/<id>.yaml or one in profilesDir'),
    name: Type.Optional(Type.String({ description: "a human name for dashboards; default the profile's name" })),
    names: Type.Optional(NamesSchema),
    modbus: Type.Optional(ModbusLinkSchema),
    opcua: Type.Optional(OpcuaLinkSchema),
    pollIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 3_600_000,
        default: DEFAULTS.pollIntervalMs,
        description: "how often all the device's points are read, ms",
      }),
    ),
    acquisition: Type.Optional(AcquisitionSchema),
    points: Type.Optional(
      Type.Record(
        id('a point id of the profile'),
        Type.Object(
          {
            limits: Type.Optional(
              limitsOf(LimitOverrideSchema, {
                description:
                  "per-site overrides of the profile's alarm conditions, field by field; an unset field keeps the profile's value",
              }),
            ),
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
    site: id('site id; a topic level in lifeline/v1/{site}/{gateway}'),
    gateway: id('gateway id, unique within the site; a topic level'),
    profilesDir: Type.Optional(
      Type.String({ description: 'an extra folder of device profiles, relative to this file; searched before device-profiles/' }),
    ),
    stateDir: Type.Optional(
      Type.String({
        default: DEFAULTS.stateDir,
        description: 'durable state (outbox.db, alarms.db, history.db, OPC UA pki/), relative to this file; LIFELINE_STATE_DIR overrides',
      }),
    ),
    stopDeadlineMs: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 120_000,
        default: DEFAULTS.stopDeadlineMs,
        description:
          'SIGTERM/SIGINT end the process within this many ms in every link state: what can be flushed is, the rest stays in the outbox (exit 1 if the deadline forced it)',
      }),
    ),
    http: Type.Optional(HttpSchema),
    mqtt: Type.Optional(
      Type.Object(
        { local: Type.Optional(LocalBrokerSchema), centre: Type.Optional(CentreSchema), sparkplug: Type.Optional(SparkplugSchema) },
        { additionalProperties: false },
      ),
    ),
    outbox: Type.Optional(OutboxSchema),
    telemetry: Type.Optional(TelemetrySchema),
    influx: Type.Optional(Type.Array(InfluxSchema, { description: 'InfluxDB sinks for telemetry' })),
    simulator: Type.Optional(
      Type.Object(
        {
          http: Type.Optional(
            Type.Object(
              {
                host: Type.Optional(
                  Type.String({ default: DEFAULTS.simHttpHost, description: "the simulator's control API address (firmware-sim, demo)" }),
                ),
                port: Type.Optional(
                  Type.Integer({
                    minimum: 0,
                    maximum: 65535,
                    default: DEFAULTS.simHttpPort,
                    description: 'its port; 0 picks a free one; LIFELINE_SIM_PORT overrides',
                  }),
                ),
                allowInsecure: Type.Optional(
                  Type.Boolean({
                    default: false,
                    description:
                      'the control API has no authentication: off loopback it is refused unless this is true (a closed test network only; warned at every start)',
                  }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    twin: Type.Optional(TwinConfigSchema),
    devices: Type.Array(SiteDeviceSchema, { minItems: 1, description: 'the field devices' }),
    actions: Type.Optional(Type.Array(ActionSchema, { description: 'local automatic control rules' })),
    alarms: Type.Optional(AlarmOptionsSchema),
  },
  { $id: 'https://lifeline.dev/schemas/site.json', additionalProperties: false },
);

export type SiteConfigInput = Static<typeof SiteSchema>;
export type SiteDeviceInput = Static<typeof SiteDeviceSchema>;
