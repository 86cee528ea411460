import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * JSON Schema of a device profile (device-profiles/*.yaml). The checked-in
 * `device-profiles/profile.schema.json` is generated from this by
 * `npm run schemas`, and a test keeps the two identical.
 */

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'lower-case letters, digits, - and _' });

export const REGISTER_TABLES = ['holding', 'input', 'coil', 'discrete'] as const;
export const REGISTER_TYPES = ['uint16', 'int16', 'uint32', 'int32', 'float32', 'bool'] as const;

/** A string enum whose static type is the union of its values. */
const literals = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** OPC 10000-6 §5.1.2 built-in types a profile point may be served as. */
export const OPCUA_DATA_TYPES = ['Boolean', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Float', 'Double'] as const;

export const ModbusRegisterSchema = Type.Object(
  {
    table: literals(REGISTER_TABLES),
    address: Type.Integer({ minimum: 0, maximum: 65535, description: 'zero-based protocol address (40001 → 0)' }),
    type: literals(REGISTER_TYPES),
    wordOrder: Type.Optional(literals(['big', 'little'] as const)),
    scale: Type.Optional(Type.Number({ description: 'engineering = raw × scale + offset; default 1' })),
    offset: Type.Optional(Type.Number({ description: 'default 0' })),
    bit: Type.Optional(Type.Integer({ minimum: 0, maximum: 15, description: 'read one bit of a 16-bit register as a boolean' })),
  },
  { additionalProperties: false },
);

/** Where a point lives on an OPC UA server (at least one of the two; checked on load). */
export const OpcuaAddressSchema = Type.Object(
  {
    nodeId: Type.Optional(Type.String({ minLength: 1, description: 'e.g. ns=2;s=HeatStation.SupplyPressure' })),
    browsePath: Type.Optional(Type.String({ minLength: 1, description: 'from Objects, e.g. /2:HeatStation/2:SupplyPressure' })),
    dataType: Type.Optional(
      literals(OPCUA_DATA_TYPES, {
        description:
          'OPC UA built-in type of the variable; default Boolean for bool, else Double when scaled or float32, else the integer type',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The four limits, then the further condition kinds (docs/alarms.md says what `value` means for each). */
export const LIMIT_CONDITIONS = ['hihi', 'hi', 'lo', 'lolo', 'roc', 'state', 'stale', 'fault', 'flatline'] as const;

export const LimitSchema = Type.Object(
  {
    value: Type.Number({
      description:
        'the set-point in the point unit (hihi…lolo); unit/s (roc); 1 or 0, the alarming state (state); ms without a good reading (stale); % of range span tolerated beyond the range (fault); ms without change (flatline)',
    }),
    hysteresis: Type.Optional(Type.Number({ minimum: 0, description: 'return-to-normal dead band; default 0' })),
    priority: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)], {
      description: '1 red (I) … 4 blue (IV)',
    }),
    onDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'default 0' })),
    offDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'default 0' })),
    onSamples: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'consecutive samples beyond before raising; default 1' }),
    ),
    offSamples: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'consecutive samples returned before clearing; default 1' }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
    basis: Type.Optional(Type.String({ description: 'the standard or rule the set-point comes from' })),
  },
  { additionalProperties: false },
);

/** The alarm conditions of a point, each optional, holding `limit`. */
export function limitsOf<T extends TSchema>(limit: T, options: { description?: string } = {}) {
  return Type.Object(
    {
      hihi: Type.Optional(limit),
      hi: Type.Optional(limit),
      lo: Type.Optional(limit),
      lolo: Type.Optional(limit),
      roc: Type.Optional(limit),
      state: Type.Optional(limit),
      stale: Type.Optional(limit),
      fault: Type.Optional(limit),
      flatline: Type.Optional(limit),
    },
    { additionalProperties: false, ...options },
  );
}

export const LimitsSchema = limitsOf(LimitSchema);

/**
 * How the firmware simulator moves a point on its own (firmware-sim, docs/simulator.md):
 * the sum of a daily cycle, a drift and uniform noise around `initial`, clamped to
 * the point's range. No behaviour keys means a constant value.
 */
export const SimulationSchema = Type.Object(
  {
    initial: Type.Union([Type.Number(), Type.Boolean()], { description: 'value at simulator start' }),
    noise: Type.Optional(Type.Number({ minimum: 0, description: 'uniform noise amplitude (±), in the point unit' })),
    driftPerHour: Type.Optional(Type.Number({ description: 'steady drift, point unit per hour (e.g. sensor ageing)' })),
    daily: Type.Optional(
      Type.Object(
        {
          amplitude: Type.Number({ minimum: 0, description: 'half the peak-to-trough swing, in the point unit' }),
          peakHour: Type.Optional(Type.Number({ minimum: 0, maximum: 24, description: 'hour of day of the peak; default 14' })),
        },
        { additionalProperties: false },
      ),
    ),
    periodMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'update interval; default 1000' })),
  },
  { additionalProperties: false },
);

/**
 * Names in the dashboard's languages beside the `name` (issue 23): e.g.
 * `names: { zh-CN: 可燃气体浓度 }`; a missing language falls back to `name`.
 */
export const NamesSchema = Type.Object(
  {
    'zh-CN': Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the name in Simplified Chinese' })),
    en: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the name in English' })),
  },
  { additionalProperties: false, description: 'the name per dashboard language (zh-CN, en); default `name`' },
);

export const ProfilePointSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    names: Type.Optional(NamesSchema),
    unit: Type.Optional(Type.String({ description: 'e.g. %LEL, V, Hz, MPa, m³/h; empty for states' })),
    modbus: Type.Optional(ModbusRegisterSchema),
    opcua: Type.Optional(OpcuaAddressSchema),
    writable: Type.Optional(Type.Boolean({ description: 'an output the gateway may write (default false)' })),
    range: Type.Optional(Type.Object({ min: Type.Number(), max: Type.Number() }, { additionalProperties: false })),
    limits: Type.Optional(LimitsSchema),
    simulation: Type.Optional(SimulationSchema),
  },
  { additionalProperties: false },
);

/**
 * A physical coupling the firmware simulator enforces: while `while.point`
 * equals `while.equals`, `hold.point` is held at `hold.value` (a closed valve
 * holds the flow at 0; an e-bike in the car holds the door open).
 */
export const CouplingSchema = Type.Object(
  {
    while: Type.Object({ point: Id, equals: Type.Union([Type.Number(), Type.Boolean()]) }, { additionalProperties: false }),
    hold: Type.Object({ point: Id, value: Type.Union([Type.Number(), Type.Boolean()]) }, { additionalProperties: false }),
    why: Type.Optional(Type.String({ description: 'the physics or rule behind it' })),
  },
  { additionalProperties: false },
);

export const ProfileSchema = Type.Object(
  {
    id: Id,
    kind: Type.String({ minLength: 1, description: 'device kind, e.g. combustible-gas-detector' }),
    name: Type.String({ minLength: 1 }),
    names: Type.Optional(NamesSchema),
    description: Type.Optional(Type.String()),
    standards: Type.Optional(Type.Array(Type.String())),
    points: Type.Record(Id, ProfilePointSchema, { minProperties: 1 }),
    couplings: Type.Optional(Type.Array(CouplingSchema, { description: 'physical couplings the simulator enforces' })),
  },
  { $id: 'https://lifeline.dev/schemas/device-profile.json', additionalProperties: false },
);

export type Profile = Static<typeof ProfileSchema>;
export type ProfilePoint = Static<typeof ProfilePointSchema>;
export type ModbusRegister = Static<typeof ModbusRegisterSchema>;
export type Limit = Static<typeof LimitSchema>;
export type Coupling = Static<typeof CouplingSchema>;
export type Names = Static<typeof NamesSchema>;
export type OpcuaDataType = (typeof OPCUA_DATA_TYPES)[number];
export type PointSimulation = Static<typeof SimulationSchema>;
export type LimitCondition = (typeof LIMIT_CONDITIONS)[number];
export type RegisterType = (typeof REGISTER_TYPES)[number];
export type RegisterTable = (typeof REGISTER_TABLES)[number];
