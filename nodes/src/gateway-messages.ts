import type { NodeMessage } from './red-api.js';

/**
 * Turns what a gateway publishes (docs/topics.md) or streams over /ws
 * (docs/http-api.md) into Node-RED messages: one per alarm event (output 1)
 * and one per reading (output 2), so a reading can feed an alarm node directly.
 * Bad payloads become a reason string; they never stop the node.
 */
export interface Origin {
  readonly site: string | undefined;
  readonly gateway: string | undefined;
}

export type Parsed = { readonly alarms: NodeMessage[]; readonly readings: NodeMessage[]; readonly rejected: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `lifeline/v1/{site}/{gateway}/{suffix…}` → site, gateway and suffix. */
export function parseTopic(topic: string): (Origin & { readonly suffix: string }) | undefined {
  const [root, version, site, gateway, ...rest] = topic.split('/');
  if (root !== 'lifeline' || version !== 'v1' || !site || !gateway || rest.length === 0) return undefined;
  return { site, gateway, suffix: rest.join('/') };
}

export function parseJson(payload: Buffer | string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(payload.toString()) };
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
}

export function alarmMessage(event: unknown, origin: Origin, extra: Record<string, unknown> = {}): NodeMessage | string {
  if (!isObject(event)) return 'an alarm event must be a JSON object';
  for (const field of ['event', 'alarmId', 'device', 'point'] as const) {
    if (typeof event[field] !== 'string') return `alarm event without a string "${field}"`;
  }
  return {
    topic: event.alarmId as string,
    payload: event,
    site: typeof event.site === 'string' ? event.site : origin.site,
    gateway: typeof event.gateway === 'string' ? event.gateway : origin.gateway,
    ...extra,
  };
}

export function readingMessage(reading: unknown, origin: Origin): NodeMessage | string {
  if (!isObject(reading)) return 'a reading must be a JSON object';
  const { device, point, value } = reading;
  if (typeof device !== 'string' || typeof point !== 'string') return 'a reading without a string "device" and "point"';
  if (typeof value !== 'number' && typeof value !== 'boolean' && value !== null)
    return `reading ${device}/${point} has a value of type ${typeof value}`;
  return {
    topic: `${device}/${point}`,
    payload: value,
    device,
    point,
    quality: reading.quality,
    sourceTs: reading.sourceTs,
    site: origin.site,
    gateway: origin.gateway,
  };
}

/** Telemetry batches `{bootId, seq, readings: […]}`. */
export function telemetryMessages(batch: unknown, origin: Origin): Parsed {
  const parsed: Parsed = { alarms: [], readings: [], rejected: [] };
  if (!isObject(batch) || !Array.isArray(batch.readings)) {
    parsed.rejected.push('a telemetry batch must be an object with a "readings" array');
    return parsed;
  }
  for (const r of batch.readings) collect(parsed.readings, parsed.rejected, readingMessage(r, origin));
  return parsed;
}

/** One /ws message; a snapshot also names the gateway, which the returned origin carries for later messages. */
export function webSocketMessages(data: unknown, origin: Origin): Parsed & { origin: Origin } {
  const parsed = { alarms: [] as NodeMessage[], readings: [] as NodeMessage[], rejected: [] as string[], origin };
  if (!isObject(data) || typeof data.type !== 'string') {
    parsed.rejected.push('a WebSocket message must be an object with a "type"');
    return parsed;
  }
  if (data.type === 'snapshot') {
    parsed.origin = {
      site: typeof data.site === 'string' ? data.site : origin.site,
      gateway: typeof data.gateway === 'string' ? data.gateway : origin.gateway,
    };
    // The active alarms at connect time, marked so a flow can tell them from live transitions.
    for (const a of Array.isArray(data.alarms) ? data.alarms : []) {
      collect(parsed.alarms, parsed.rejected, alarmMessage(a, parsed.origin, { snapshot: true }));
    }
    for (const r of Array.isArray(data.readings) ? data.readings : [])
      collect(parsed.readings, parsed.rejected, readingMessage(r, parsed.origin));
  } else if (data.type === 'readings') {
    for (const r of Array.isArray(data.readings) ? data.readings : []) collect(parsed.readings, parsed.rejected, readingMessage(r, origin));
  } else if (data.type === 'alarm') {
    collect(parsed.alarms, parsed.rejected, alarmMessage(data.event, origin));
  }
  // Other types (comm, and any added later) are not alarms or readings: skipped without complaint.
  return parsed;
}

function collect(into: NodeMessage[], rejected: string[], result: NodeMessage | string): void {
  if (typeof result === 'string') rejected.push(result);
  else into.push(result);
}
