import { type Static, Type } from '@sinclair/typebox';
import { ALARM_STATES } from './alarm-event.js';
import { AlarmId, ClientToken, IssuedAt, literals, Operator, Timestamp } from './schema-helpers.js';

/** Longest timed shelve a desired change or command may ask for: ISA-18.2 shelving is temporary. */
export const MAX_SHELVE_MS = 7 * 24 * 3_600_000;

/** A change to one limit: every field optional, at least one present. */
export const LimitPatchSchema = Type.Object(
  {
    value: Type.Optional(Type.Number()),
    hysteresis: Type.Optional(Type.Number({ minimum: 0 })),
    priority: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)])),
    onDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
    offDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * `…/twin/desired` (centre → gateway): applied whole or not at all.
 * Property classes (docs/twin.md): `limits` — the centre wins, guarded by
 * `ifLimitsVersion`; `acks` and `shelve` — merged, never version-guarded.
 * Measurements are edge-owned and cannot be desired.
 */
export const TwinDesiredSchema = Type.Object(
  {
    clientToken: ClientToken,
    issuedAt: IssuedAt,
    by: Operator,
    ifLimitsVersion: Type.Optional(
      Type.String({ description: 'The reported limitsVersion the change was made against; required with `limits`' }),
    ),
    limits: Type.Optional(Type.Record(AlarmId, LimitPatchSchema, { minProperties: 1 })),
    acks: Type.Optional(Type.Array(AlarmId, { minItems: 1, maxItems: 1000, uniqueItems: true })),
    shelve: Type.Optional(
      Type.Record(
        AlarmId,
        Type.Object({ durationMs: Type.Integer({ minimum: 1000, maximum: MAX_SHELVE_MS }) }, { additionalProperties: false }),
        {
          minProperties: 1,
        },
      ),
    ),
  },
  { $id: 'TwinDesired', additionalProperties: false },
);

export const ReasonSchema = Type.Object(
  {
    code: Type.String({ description: 'LL_ERR_TWIN_… (docs/errors.md)' }),
    path: Type.String({ description: 'JSON pointer into the request, e.g. /limits/gas-1~1lel1~1hihi/value' }),
    message: Type.String(),
  },
  { additionalProperties: false },
);

/** `…/twin/desired/result` (gateway → centre): one per desired message, with every reason it was refused. */
export const TwinDesiredResultSchema = Type.Object(
  {
    clientToken: Type.String({ description: 'As sent; empty when the request had none readable' }),
    status: literals(['accepted', 'rejected'] as const),
    reasons: Type.Array(ReasonSchema),
    limitsVersion: Type.String({ description: 'limitsVersion in force after the request' }),
    version: Type.Integer({ minimum: 1, description: 'Twin version in force when answered' }),
    bootId: Type.String(),
    ts: Timestamp,
  },
  { $id: 'TwinDesiredResult', additionalProperties: false },
);

/** `…/cmd/ack`: acknowledge one alarm (ISA-18.2). */
export const AckCommandSchema = Type.Object(
  { clientToken: ClientToken, issuedAt: IssuedAt, alarmId: AlarmId, by: Operator },
  { $id: 'AckCommand', additionalProperties: false },
);

/** `…/cmd/shelve`: shelve one alarm for `durationMs` (timed shelving; it returns by itself). */
export const ShelveCommandSchema = Type.Object(
  {
    clientToken: ClientToken,
    issuedAt: IssuedAt,
    alarmId: AlarmId,
    durationMs: Type.Integer({ minimum: 1000, maximum: MAX_SHELVE_MS }),
    by: Operator,
  },
  { $id: 'ShelveCommand', additionalProperties: false },
);

/** `…/cmd/resync`: ask for a full twin (sent by a centre that saw a gap in version or seq). */
export const ResyncCommandSchema = Type.Object(
  {
    clientToken: Type.Optional(ClientToken),
    issuedAt: Type.Optional(IssuedAt),
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why, for the gateway log: e.g. "gap: have 7, got base 9"' })),
  },
  { $id: 'ResyncCommand', additionalProperties: false },
);

export const COMMAND_NAMES = ['ack', 'shelve', 'resync'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** `…/cmd/{name}/result`: every command is answered, accepted or not. */
export const CommandResultSchema = Type.Object(
  {
    clientToken: Type.String({ description: 'As sent; empty when the request had none readable' }),
    command: literals(COMMAND_NAMES),
    ok: Type.Boolean(),
    code: Type.Optional(Type.String({ description: 'Why not, when ok is false: LL_ERR_… (docs/errors.md)' })),
    reason: Type.Optional(Type.String()),
    alarmId: Type.Optional(AlarmId),
    state: Type.Optional(literals(ALARM_STATES)),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'resync: the version of the full twin just published' })),
    bootId: Type.String(),
    ts: Timestamp,
  },
  { $id: 'CommandResult', additionalProperties: false },
);

export type LimitPatch = Static<typeof LimitPatchSchema>;
export type TwinDesired = Static<typeof TwinDesiredSchema>;
export type Reason = Static<typeof ReasonSchema>;
export type TwinDesiredResult = Static<typeof TwinDesiredResultSchema>;
export type AckCommand = Static<typeof AckCommandSchema>;
export type ShelveCommand = Static<typeof ShelveCommandSchema>;
export type ResyncCommand = Static<typeof ResyncCommandSchema>;
export type CommandResult = Static<typeof CommandResultSchema>;
