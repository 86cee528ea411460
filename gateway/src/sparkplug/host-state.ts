/**
 * The primary host application's STATE (Sparkplug 3.0 §5.3, §6.2): a JSON
 * `{"online": boolean, "timestamp": ms}` on `spBv1.0/STATE/{host_id}`.
 */
export interface HostState {
  readonly online: boolean;
  readonly timestamp: number;
}

/** Parses a STATE payload; a string says what was wrong with it. */
export function parseHostState(payload: Buffer): HostState | string {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'STATE payload is not JSON';
  }
  const b = body as { online?: unknown; timestamp?: unknown };
  if (typeof b !== 'object' || b === null || typeof b.online !== 'boolean') return 'STATE payload has no boolean "online"';
  if (typeof b.timestamp !== 'number' || !Number.isFinite(b.timestamp)) return 'STATE payload has no numeric "timestamp"';
  return { online: b.online, timestamp: b.timestamp };
}

/**
 * Whether `incoming` supersedes `last`: a STATE older than the last one seen is
 * stale and ignored [tck-id-operational-behavior-edge-node-termination-host-offline-timestamp,
 * tck-id-message-flow-edge-node-birth-publish-phid-wait-timestamp].
 */
export function supersedes(last: HostState | undefined, incoming: HostState): boolean {
  return last === undefined || incoming.timestamp >= last.timestamp;
}
