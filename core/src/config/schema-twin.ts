import { type Static, Type } from '@sinclair/typebox';
import { DEFAULTS } from './defaults.js';

/** What a desired change may touch; the classes of docs/twin.md "Policies". */
export const TWIN_GRANTS = ['limits', 'ack', 'shelve'] as const;
export type TwinGrant = (typeof TWIN_GRANTS)[number];

/** Where a request came from, known from the connection: the centre link or the gateway's own local broker. */
export const TWIN_ORIGINS = ['centre', 'local'] as const;
export type TwinOrigin = (typeof TWIN_ORIGINS)[number];

/**
 * `twin:` in the site config: how the gateway reports its twin and who may
 * change what through `twin/desired` and `cmd/*`. Grants are per principal,
 * known from the connection (docs/security.md): on the local broker the
 * logged-in user (a request naming anyone else in `by.user` is refused), on
 * the centre link the centre's operator it names (the centre broker
 * authenticated the centre; its topic ACL is the broker's job).
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
        description:
          'changes over this size go out as several consecutive patches, each within it; a single member larger than it goes out as the full retained twin',
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
    commandMaxAgeMs: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 86_400_000,
        default: DEFAULTS.twinCommandMaxAgeMs,
        description:
          'a command or desired change whose issuedAt is older (or further ahead) than this (ms) is refused as stale; its clientToken may not be used again within it',
      }),
    ),
    authorise: Type.Optional(
      Type.Array(
        Type.Object(
          {
            user: Type.String({
              minLength: 1,
              description: 'the principal: a local broker username or a centre operator (by.user), or * for any authenticated one',
            }),
            origin: Type.Optional(
              Type.Unsafe<TwinOrigin>({
                type: 'string',
                enum: [...TWIN_ORIGINS],
                description: 'only requests from this connection (centre link or local broker); default both',
              }),
            ),
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
          description:
            'who may change what through twin/desired and cmd/*; by default centre operators may ack and shelve, local broker users nothing, nobody may change limits',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export type TwinConfigInput = Static<typeof TwinConfigSchema>;

export interface TwinGrantRule {
  readonly user: string;
  readonly origin?: TwinOrigin;
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
  readonly commandMaxAgeMs: number;
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
    commandMaxAgeMs: input?.commandMaxAgeMs ?? DEFAULTS.twinCommandMaxAgeMs,
    authorise: input?.authorise ?? DEFAULTS.twinAuthorise,
  };
}
