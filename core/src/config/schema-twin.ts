import { type Static, Type } from '@sinclair/typebox';
import { DEFAULTS } from './defaults.js';

/** What a desired change may touch; the classes of docs/twin.md "Policies". */
export const TWIN_GRANTS = ['limits', 'ack', 'shelve'] as const;
export type TwinGrant = (typeof TWIN_GRANTS)[number];

/**
 * `twin:` in the site config: how the gateway reports its twin and who may
 * change what through `twin/desired` and `cmd/*`. The `user` is the one the
 * request names (`by.user`); who may publish at all is the broker's ACL.
 */
export const TwinConfigSchema = Type.Object(
  {
    coalesceMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60_000,
        default: DEFAULTS.twinCoalesceMs,
        description: 'changes within this window (ms) go out as one twin/patch',
      }),
    ),
    maxPatchBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 16_777_216,
        default: DEFAULTS.twinMaxPatchBytes,
        description: 'a larger patch is sent as a full retained twin instead',
      }),
    ),
    maxDesiredBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 16_777_216,
        default: DEFAULTS.twinMaxDesiredBytes,
        description: 'a larger twin/desired is refused before it is parsed (LL_ERR_TWIN_DESIRED_INVALID)',
      }),
    ),
    maxDesiredItems: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100_000,
        default: DEFAULTS.twinMaxDesiredItems,
        description: 'limits, acks and shelve entries of one twin/desired together; more are refused whole, before any is checked',
      }),
    ),
    snapshotQuietMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3_600_000,
        default: DEFAULTS.twinSnapshotQuietMs,
        description:
          'once changes pause this long (ms), the retained twin is republished if it is behind (heals a lost last patch, fresh for restarted mirrors); 0 = never',
      }),
    ),
    resyncMinIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 600_000,
        default: DEFAULTS.twinResyncMinIntervalMs,
        description: 'at most one full twin per link per interval (ms) on cmd/resync',
      }),
    ),
    healthIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3_600_000,
        default: DEFAULTS.twinHealthIntervalMs,
        description: "how often (ms) each device's acquisition counters are refreshed in the twin; 0 = never",
      }),
    ),
    authorise: Type.Optional(
      Type.Array(
        Type.Object(
          {
            user: Type.String({ minLength: 1, description: 'the by.user of a request, or * for anyone' }),
            may: Type.Array(Type.Unsafe<TwinGrant>({ type: 'string', enum: [...TWIN_GRANTS] }), {
              minItems: 1,
              uniqueItems: true,
              description: 'what the user may do: limits, ack, shelve',
            }),
            devices: Type.Optional(
              Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'only these devices; default all' }),
            ),
          },
          { additionalProperties: false },
        ),
        {
          default: DEFAULTS.twinAuthorise,
          description: 'who may change what through twin/desired and cmd/*; by default anyone may ack and shelve, nobody may change limits',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export type TwinConfigInput = Static<typeof TwinConfigSchema>;

export interface TwinGrantRule {
  readonly user: string;
  readonly may: readonly TwinGrant[];
  readonly devices?: readonly string[];
}

export interface TwinConfig {
  readonly coalesceMs: number;
  readonly maxPatchBytes: number;
  readonly maxDesiredBytes: number;
  readonly maxDesiredItems: number;
  readonly snapshotQuietMs: number;
  readonly resyncMinIntervalMs: number;
  readonly healthIntervalMs: number;
  readonly authorise: readonly TwinGrantRule[];
}

export function resolveTwinConfig(input: TwinConfigInput | undefined): TwinConfig {
  return {
    coalesceMs: input?.coalesceMs ?? DEFAULTS.twinCoalesceMs,
    maxPatchBytes: input?.maxPatchBytes ?? DEFAULTS.twinMaxPatchBytes,
    maxDesiredBytes: input?.maxDesiredBytes ?? DEFAULTS.twinMaxDesiredBytes,
    maxDesiredItems: input?.maxDesiredItems ?? DEFAULTS.twinMaxDesiredItems,
    snapshotQuietMs: input?.snapshotQuietMs ?? DEFAULTS.twinSnapshotQuietMs,
    resyncMinIntervalMs: input?.resyncMinIntervalMs ?? DEFAULTS.twinResyncMinIntervalMs,
    healthIntervalMs: input?.healthIntervalMs ?? DEFAULTS.twinHealthIntervalMs,
    authorise: input?.authorise ?? DEFAULTS.twinAuthorise,
  };
}
