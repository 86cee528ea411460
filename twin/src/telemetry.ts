import { type Static, Type } from '@sinclair/typebox';

/** One reported reading inside a telemetry batch. */
export const TelemetryReadingSchema = Type.Object(
  {
    device: Type.String(),
    point: Type.String(),
    value: Type.Union([Type.Number(), Type.Boolean(), Type.Null()], {
      description: 'Engineering value in `unit`; null when nothing was read',
    }),
    unit: Type.String(),
    quality: Type.Unsafe<'good' | 'uncertain' | 'bad'>({ type: 'string', enum: ['good', 'uncertain', 'bad'] }),
    reason: Type.Optional(Type.String({ description: 'Why quality is not good' })),
    sourceTs: Type.String({ format: 'date-time', description: 'When the device sampled it' }),
  },
  { additionalProperties: false },
);

/**
 * `…/telemetry`: readings reported by exception (outside the deadband, or the
 * max-silence heartbeat), batched (DESIGN.md §3, §4).
 */
export const TelemetryBatchSchema = Type.Object(
  {
    bootId: Type.String({ description: 'Changes on every gateway start; seq restarts with it' }),
    seq: Type.Integer({ minimum: 1, description: 'Per-boot sequence number of telemetry batches' }),
    ts: Type.String({ format: 'date-time', description: 'When the batch was closed' }),
    historical: Type.Optional(Type.Boolean({ description: 'true when replayed from the outbox after an outage' })),
    readings: Type.Array(TelemetryReadingSchema),
  },
  { $id: 'TelemetryBatch', additionalProperties: false },
);

export type TelemetryReading = Static<typeof TelemetryReadingSchema>;
export type TelemetryBatch = Static<typeof TelemetryBatchSchema>;
