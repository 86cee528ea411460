import { type Static, Type } from '@sinclair/typebox';
import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import type { YamlSource } from './yaml-source.js';

/**
 * A device's acquisition tuning (docs/acquisition.md): poll groups, retries,
 * backoff, circuit breaker, register merging and OPC UA monitoring. Every key is
 * optional; defaults live in defaults.ts.
 */
export const AcquisitionSchema = Type.Object(
  {
    retries: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10,
        default: DEFAULTS.acquisitionRetries,
        description: 'extra attempts after a timeout, malformed answer or busy exception, each after a backoff',
      }),
    ),
    backoff: Type.Optional(
      Type.Object(
        {
          baseMs: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 60_000,
              default: DEFAULTS.acquisitionBackoffBaseMs,
              description: 'first retry delay, ms (exponential with full jitter); also the first reconnect delay',
            }),
          ),
          maxMs: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 600_000,
              default: DEFAULTS.acquisitionBackoffMaxMs,
              description: 'cap of the retry and reconnect delays, ms',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    circuitBreaker: Type.Optional(
      Type.Object(
        {
          failureThreshold: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 100,
              default: DEFAULTS.breakerFailureThreshold,
              description: 'failed poll cycles in a row (after retries) before the device is skipped',
            }),
          ),
          openMs: Type.Optional(
            Type.Integer({
              minimum: 10,
              maximum: 600_000,
              default: DEFAULTS.breakerOpenMs,
              description: 'how long it is skipped before one probe request, ms',
            }),
          ),
          maxOpenMs: Type.Optional(
            Type.Integer({
              minimum: 10,
              maximum: 3_600_000,
              default: DEFAULTS.breakerMaxOpenMs,
              description: 'each failed probe doubles the skip period, up to this, ms',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    timeouts: Type.Optional(
      Type.Object(
        {
          adaptive: Type.Optional(
            Type.Boolean({
              default: DEFAULTS.timeoutAdaptive,
              description:
                "learn each unit's response time (smoothed RTT + 4 × deviation, RFC 6298) and declare a request late there, between the floor and modbus.timeoutMs; a request cut short is retried once with the full timeout before it counts as a failure",
            }),
          ),
          minMs: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 60_000,
              default: DEFAULTS.timeoutMinMs,
              description:
                'floor of the adaptive timeout and of a probe of an open-breaker unit, ms; serial lines add the frame time at the baud rate and the turnaround',
            }),
          ),
          turnaroundMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 10_000,
              default: DEFAULTS.timeoutTurnaroundMs,
              description: "serial RTU: the device's time between the end of a request and the start of its answer, ms (part of the floor)",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    mergeGap: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 124,
        default: DEFAULTS.modbusMergeGap,
        description: 'unused registers read to merge two near requests into one (PDU limits: 125 registers, 2000 bits)',
      }),
    ),
    pollGroups: Type.Optional(
      Type.Array(
        Type.Object(
          {
            intervalMs: Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'how often this group is read, ms' }),
            points: Type.Array(Type.String({ minLength: 1 }), {
              minItems: 1,
              description: 'point ids of the profile, each in one group at most',
            }),
          },
          { additionalProperties: false },
        ),
        { description: 'points polled at their own interval; the rest at pollIntervalMs' },
      ),
    ),
    opcua: Type.Optional(
      Type.Object(
        {
          samplingIntervalMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 3_600_000,
              description: 'OPC UA sampling interval, ms; default the device pollIntervalMs; 0 = exception-based',
            }),
          ),
          publishingIntervalMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 3_600_000,
              description: `OPC UA publishing interval, ms; 0 = the server's fastest; default the sampling interval, or 0 when sampling is ${DEFAULTS.opcuaFastPathMs} ms or less (the fast path)`,
            }),
          ),
          queueSize: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 10_000,
              default: DEFAULTS.opcuaQueueSize,
              description: 'server-side queue per monitored item (oldest discarded)',
            }),
          ),
          deadband: Type.Optional(
            Type.Object(
              {
                type: Type.Unsafe<'absolute' | 'percent'>({
                  type: 'string',
                  enum: ['absolute', 'percent'],
                  description: 'absolute (in the point unit) or percent (of the EURange)',
                }),
                value: Type.Number({ minimum: 0, description: 'the dead band' }),
              },
              { additionalProperties: false, description: 'data-change filter on numeric variables' },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type AcquisitionInput = Static<typeof AcquisitionSchema>;

/** The resolved, defaulted acquisition settings of one device. */
export interface AcquisitionConfig {
  readonly retries: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly circuitBreaker: { readonly failureThreshold: number; readonly openMs: number; readonly maxOpenMs: number };
  readonly timeouts: { readonly adaptive: boolean; readonly minMs: number; readonly turnaroundMs: number };
  readonly mergeGap: number;
  readonly pollGroups: readonly { readonly intervalMs: number; readonly points: readonly string[] }[];
  readonly opcua: {
    readonly samplingIntervalMs: number;
    /** 0: the fastest the server allows (OPC 10000-4 §5.13.2.2). */
    readonly publishingIntervalMs: number;
    readonly queueSize: number;
    readonly deadband?: { readonly type: 'absolute' | 'percent'; readonly value: number };
  };
}

/** Applies defaults and checks that poll groups name points of the profile, each at most once. */
export function resolveAcquisition(
  input: AcquisitionInput | undefined,
  pollIntervalMs: number,
  pointIds: readonly string[],
  at: readonly (string | number)[],
  source: YamlSource,
  issues: ConfigIssue[],
): AcquisitionConfig {
  const a = input ?? {};
  const seen = new Set<string>();
  for (const [g, group] of (a.pollGroups ?? []).entries()) {
    for (const [i, id] of group.points.entries()) {
      const where = [...at, 'pollGroups', g, 'points', i];
      if (!pointIds.includes(id))
        issues.push(source.issueAt(where, `no point "${id}" on this device`, `use one of: ${pointIds.join(', ')}`));
      else if (seen.has(id)) issues.push(source.issueAt(where, `point "${id}" is in two poll groups`, 'keep it in one group'));
      seen.add(id);
    }
  }
  const d = DEFAULTS;
  return {
    retries: a.retries ?? d.acquisitionRetries,
    backoff: { baseMs: a.backoff?.baseMs ?? d.acquisitionBackoffBaseMs, maxMs: a.backoff?.maxMs ?? d.acquisitionBackoffMaxMs },
    circuitBreaker: {
      failureThreshold: a.circuitBreaker?.failureThreshold ?? d.breakerFailureThreshold,
      openMs: a.circuitBreaker?.openMs ?? d.breakerOpenMs,
      maxOpenMs: a.circuitBreaker?.maxOpenMs ?? d.breakerMaxOpenMs,
    },
    timeouts: {
      adaptive: a.timeouts?.adaptive ?? d.timeoutAdaptive,
      minMs: a.timeouts?.minMs ?? d.timeoutMinMs,
      turnaroundMs: a.timeouts?.turnaroundMs ?? d.timeoutTurnaroundMs,
    },
    mergeGap: a.mergeGap ?? d.modbusMergeGap,
    pollGroups: a.pollGroups ?? [],
    opcua: opcuaTiming(a.opcua, pollIntervalMs),
  };
}

/**
 * Sampling and publishing intervals. A fast sampling interval is there for an
 * alarm: its publishing interval defaults to the server's fastest, since a
 * change waits up to one publishing interval after it is sampled.
 */
function opcuaTiming(input: AcquisitionInput['opcua'], pollIntervalMs: number): AcquisitionConfig['opcua'] {
  const samplingIntervalMs = input?.samplingIntervalMs ?? pollIntervalMs;
  const fast = samplingIntervalMs <= DEFAULTS.opcuaFastPathMs;
  return {
    samplingIntervalMs,
    publishingIntervalMs: input?.publishingIntervalMs ?? (fast ? 0 : samplingIntervalMs),
    queueSize: input?.queueSize ?? DEFAULTS.opcuaQueueSize,
    ...(input?.deadband ? { deadband: input.deadband } : {}),
  };
}
