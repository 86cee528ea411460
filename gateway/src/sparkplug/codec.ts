import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

export type { TypeStr, UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

/**
 * The Sparkplug B protobuf (Sparkplug 3.0 §6.4, sparkplug_b.proto) through
 * Eclipse Tahu's `sparkplug-payload`: the reference implementation the
 * Sparkplug working group maintains, so the gateway and any Tahu-based host
 * share one reading of the .proto (datatype codes, Int64 as Long, is_null).
 */
const tahu = get('spBv1.0');
if (!tahu) throw new Error('sparkplug-payload has no spBv1.0 codec');
const codec = tahu;

export function encodePayload(payload: UPayload): Buffer {
  return Buffer.from(codec.encodePayload(payload));
}

/** Decodes an NCMD/DCMD; a string says why it is not a Sparkplug B payload. */
export function decodePayload(bytes: Buffer): UPayload | string {
  try {
    return codec.decodePayload(new Uint8Array(bytes));
  } catch (e) {
    return `malformed Sparkplug B payload: ${(e as Error).message}`;
  }
}

/** A Long (Tahu's Int64/UInt64) or a number as a JS number. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return undefined;
}

export type Metric = UMetric;
