import { type Static, Type } from '@sinclair/typebox';

/** Retained `…/status`; the gateway's Last Will carries the same shape with `online: false`. */
export const GatewayStatusSchema = Type.Object(
  {
    online: Type.Boolean(),
    bootId: Type.String(),
    ts: Type.String({ format: 'date-time' }),
    version: Type.String(),
  },
  { $id: 'GatewayStatus', additionalProperties: false },
);

export type GatewayStatus = Static<typeof GatewayStatusSchema>;
