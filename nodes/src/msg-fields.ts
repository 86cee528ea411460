import type { NodeMessage } from './red-api.js';

/**
 * Where a message is about: explicit `msg.device`/`msg.point`, else a topic
 * `device/point` (what gateway-in emits for readings), else the defaults.
 * The node's own configuration, when set, wins over the message.
 */
export function deviceAndPoint(
  msg: NodeMessage,
  configured: { device: string; point: string },
  fallback: { device: string; point: string },
): { device: string; point: string } {
  const [topicDevice, topicPoint] =
    typeof msg.topic === 'string' && msg.topic.includes('/') ? msg.topic.split('/', 2) : [msg.topic, undefined];
  const pick = (...candidates: unknown[]) => candidates.find((c): c is string => typeof c === 'string' && c !== '');
  return {
    device: pick(configured.device, msg.device, topicDevice) ?? fallback.device,
    point: pick(configured.point, msg.point, topicPoint) ?? fallback.point,
  };
}

/** A sample time from `msg.sourceTs` (epoch ms or ISO 8601), else now. */
export function sourceTsOf(msg: NodeMessage, now: number): number | undefined {
  const raw = msg.sourceTs;
  if (raw === undefined) return now;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && !Number.isNaN(Date.parse(raw))) return Date.parse(raw);
  return undefined;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  return typeof value;
}
