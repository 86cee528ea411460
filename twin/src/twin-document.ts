import { createHash } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { ALARM_CONDITIONS, ALARM_STATES, type AlarmEvent } from './alarm-event.js';
import type { Json } from './merge-patch.js';
import { AlarmId, Id, literals, Timestamp } from './schema-helpers.js';

export const QUALITIES = ['good', 'uncertain', 'bad'] as const;
export const COMM_STATES = ['connecting', 'online', 'degraded', 'offline'] as const;

/** A point as the gateway reports it: edge-owned (measurements class). `ts` is when value or quality last changed. */
export const TwinPointSchema = Type.Object(
  {
    value: Type.Optional(Type.Union([Type.Number(), Type.Boolean()], { description: 'Engineering value in `unit`; absent until read' })),
    quality: literals(QUALITIES),
    reason: Type.Optional(Type.String({ description: 'Why quality is not good' })),
    unit: Type.String(),
    ts: Type.Optional(Timestamp),
    alarm: literals(ALARM_STATES, 'The most severe state among the alarms of this point; normal when none is active'),
  },
  { additionalProperties: false },
);

/**
 * Acquisition counters of a device since the gateway started, refreshed every
 * `twin.healthIntervalMs` (not per poll, so they cost one small patch a minute).
 */
export const TwinDeviceHealthSchema = Type.Object(
  {
    requests: Type.Integer({ minimum: 0 }),
    timeouts: Type.Integer({ minimum: 0 }),
    exceptions: Type.Integer({ minimum: 0 }),
    badFrames: Type.Integer({ minimum: 0 }),
    retries: Type.Integer({ minimum: 0 }),
    /** Optional: gateways before issue 19 do not report it. */
    lateRetries: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Requests cut short by the adaptive timeout and retried with the full timeout' }),
    ),
    reconnects: Type.Integer({ minimum: 0 }),
    writes: Type.Integer({ minimum: 0 }),
    writeFailures: Type.Integer({ minimum: 0 }),
    breaker: literals(['closed', 'open', 'half-open'] as const),
    latencyMeanMs: Type.Optional(Type.Number({ minimum: 0, description: 'Mean request latency since start' })),
    lastSuccessTs: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const TwinDeviceSchema = Type.Object(
  {
    name: Type.String(),
    profile: Type.String(),
    comm: literals(COMM_STATES),
    commReason: Type.Optional(Type.String()),
    health: Type.Optional(TwinDeviceHealthSchema),
    points: Type.Record(Id, TwinPointSchema),
  },
  { additionalProperties: false },
);

/** A limit in force (limits class: the centre may change it through `twin/desired`, guarded by `limitsVersion`). */
export const TwinLimitSchema = Type.Object(
  {
    value: Type.Number(),
    hysteresis: Type.Number({ minimum: 0 }),
    priority: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]),
    onDelayMs: Type.Integer({ minimum: 0 }),
    offDelayMs: Type.Integer({ minimum: 0 }),
    enabled: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** An alarm not in the normal state (unacknowledged, acknowledged, returned-unacknowledged, shelved, …). */
export const TwinAlarmSchema = Type.Object(
  {
    device: Type.String(),
    point: Type.String(),
    condition: literals(ALARM_CONDITIONS),
    priority: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]),
    state: literals(ALARM_STATES),
    value: Type.Number(),
    limit: Type.Number(),
    unit: Type.String(),
    detectedAt: Timestamp,
    seq: Type.Integer({ minimum: 1, description: 'seq of the alarm event that set this state' }),
  },
  { additionalProperties: false },
);

/**
 * Alarm analytics (ISA-18.2 §16, EEMUA 191; docs/alarms.md "Alarm analytics"),
 * reported by exception: it changes when an alarm does or a threshold is
 * crossed, never by the clock alone.
 */
export const TwinAnalyticsSchema = Type.Object(
  {
    rate: Type.Integer({ minimum: 0, description: 'alarms annunciated in the last windowMs' }),
    windowMs: Type.Integer({ minimum: 1 }),
    flood: Type.Boolean({ description: 'true during an alarm flood' }),
    floodSince: Type.Optional(Timestamp),
    floods: Type.Integer({ minimum: 0, description: 'floods since the gateway started' }),
    chattering: Type.Array(AlarmId, { description: 'alarms chattering now' }),
    standing: Type.Array(AlarmId, { description: 'alarms active longer than alarms.analytics.standingMs' }),
    staleShelves: Type.Array(AlarmId, { description: 'shelves in place longer than alarms.analytics.staleShelveMs' }),
    badActors: Type.Array(Type.Object({ alarmId: AlarmId, raises: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), {
      description: 'the alarms raised most over the bad-actor window (24 h), most first',
    }),
  },
  { additionalProperties: false },
);

/** One sink's pending records per outbox lane (docs/operations.md "Buffering"). */
export const OutboxBacklogSchema = Type.Object(
  {
    alarm: Type.Integer({ minimum: 0 }),
    twin: Type.Integer({ minimum: 0 }),
    telemetry: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type OutboxBacklog = Static<typeof OutboxBacklogSchema>;

export const TwinReportedSchema = Type.Object(
  {
    gateway: Type.Object(
      {
        softwareVersion: Type.String(),
        startedAt: Timestamp,
        configVersion: Type.String({ description: 'Hash of the site config file the gateway runs' }),
        devicesOnline: Type.Integer({ minimum: 0 }),
        devicesTotal: Type.Integer({ minimum: 0 }),
        outboxBacklog: Type.Optional(
          Type.Record(Id, OutboxBacklogSchema, {
            description: 'records not yet confirmed by each sink (centre, local, influx…), per lane, as of the last health report',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    devices: Type.Record(Id, TwinDeviceSchema),
    limits: Type.Record(AlarmId, TwinLimitSchema),
    limitsVersion: Type.String({ description: 'Content hash of `limits`; a desired limit change must name it (ifLimitsVersion)' }),
    alarms: Type.Record(AlarmId, TwinAlarmSchema),
    alarmSeq: Type.Integer({ minimum: 0, description: 'seq of the last alarm event reflected in `alarms`' }),
    analytics: Type.Optional(TwinAnalyticsSchema),
  },
  { additionalProperties: false },
);

/** Retained `…/twin`: the full reported twin at `version` of boot `bootId`. */
export const TwinSnapshotSchema = Type.Object(
  {
    site: Id,
    gateway: Id,
    bootId: Type.String({ minLength: 1 }),
    version: Type.Integer({ minimum: 1, description: 'Starts at 1 on every boot; +1 per patch' }),
    ts: Timestamp,
    reported: TwinReportedSchema,
  },
  { $id: 'TwinSnapshot', additionalProperties: false },
);

/** `…/twin/patch`: an RFC 7386 merge patch of `reported`, from version `base` to `version` (= base + 1). */
export const TwinPatchSchema = Type.Object(
  {
    site: Id,
    gateway: Id,
    bootId: Type.String({ minLength: 1 }),
    base: Type.Integer({ minimum: 1 }),
    version: Type.Integer({ minimum: 2 }),
    ts: Timestamp,
    patch: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Merge Patch (RFC 7386) of `reported`' }),
  },
  { $id: 'TwinPatch', additionalProperties: false },
);

/** An alarm event as the twin's `alarms` entry shows it. */
export function twinAlarmOf(e: AlarmEvent): TwinAlarm {
  return {
    device: e.device,
    point: e.point,
    condition: e.condition,
    priority: e.priority,
    state: e.state,
    value: e.value,
    limit: e.limit,
    unit: e.unit,
    detectedAt: e.detectedAt,
    seq: e.seq,
  };
}

export type TwinPoint = Static<typeof TwinPointSchema>;
export type TwinDevice = Static<typeof TwinDeviceSchema>;
export type TwinDeviceHealth = Static<typeof TwinDeviceHealthSchema>;
export type TwinLimit = Static<typeof TwinLimitSchema>;
export type TwinAlarm = Static<typeof TwinAlarmSchema>;
export type TwinAnalytics = Static<typeof TwinAnalyticsSchema>;
export type TwinReported = Static<typeof TwinReportedSchema>;
export type TwinSnapshot = Static<typeof TwinSnapshotSchema>;
export type TwinPatch = Static<typeof TwinPatchSchema>;

/**
 * The version of a limit set: a hash of its canonical JSON, so the same limits
 * have the same version across restarts and a change made against an older
 * set is refused (optimistic concurrency).
 */
export function limitsVersionOf(limits: Readonly<Record<string, TwinLimit>>): string {
  return createHash('sha256')
    .update(canonicalJson(limits as unknown as Json))
    .digest('hex')
    .slice(0, 16);
}

/** JSON with object keys sorted, so equal documents hash equally. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
