import type { Quality, Reading } from '@lifeline/core';
import { gatewayError } from '../../errors.js';

/**
 * OPC 10000-4 §7.39 StatusCode: the top two bits are the severity — 00 Good,
 * 01 Uncertain, 10/11 Bad. Good codes with sub-status (e.g. GoodClamped) stay
 * good but keep their name as the reason; everything else carries it.
 */
export function qualityOfStatus(code: number, name: string): { quality: Quality; reason?: string } {
  const severity = (code >>> 30) & 0b11;
  if (severity === 0) return code === 0 ? { quality: 'good' } : { quality: 'good', reason: name };
  return { quality: severity === 1 ? 'uncertain' : 'bad', reason: name };
}

/**
 * An OPC UA Variant value as a reading value: numbers and booleans pass; 64-bit
 * integers (node-opcua gives [high, low] words) become numbers; anything else
 * (strings, arrays, structures) is an unexpected type and yields undefined.
 */
export function readingValueOf(value: unknown, dataTypeName: string): number | boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if ((dataTypeName === 'Int64' || dataTypeName === 'UInt64') && Array.isArray(value) && value.length === 2) {
    const [hi, lo] = value as [number, number];
    return hi * 0x1_0000_0000 + (lo >>> 0);
  }
  return undefined;
}

/**
 * One data change as a reading: bad status → bad with the status name; a value
 * of an unexpected type → bad, counted as a bad frame; otherwise the value with
 * its quality. `failure` names the health counter the sample adds to.
 */
export function sampleOf(
  device: string,
  point: string,
  status: { readonly value: number; readonly name: string },
  variant: { readonly value: unknown; readonly dataType: unknown },
  dataTypeName: string | undefined,
  ts: { readonly sourceTs: number; readonly rxTs: number },
): { reading: Reading; failure?: 'exceptions' | 'badFrames' } {
  const { quality, reason } = qualityOfStatus(status.value, status.name);
  if (quality === 'bad') return { reading: { device, point, quality, reason: reason ?? 'bad', ...ts }, failure: 'exceptions' };
  const typeName = dataTypeName ?? String(variant.dataType);
  const value = readingValueOf(variant.value, typeName);
  if (value === undefined) {
    const error = gatewayError('LL_ERR_OPCUA_TYPE', device, point, typeName);
    return { reading: { device, point, quality: 'bad', reason: error.message, ...ts }, failure: 'badFrames' };
  }
  return { reading: { device, point, value, quality, ...(reason === undefined ? {} : { reason }), ...ts } };
}
