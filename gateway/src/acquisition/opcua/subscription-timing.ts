/**
 * The numbers of one OPC UA subscription (OPC 10000-4 §5.13.2). The server
 * revises the publishing interval to what it supports and keeps the counts
 * as counts, so the counts are chosen for the interval it grants: a
 * keep-alive at least every second and never fewer than 10 intervals, and a
 * lifetime of 6 keep-alives (the standard asks at least 3), so a subscription
 * publishing every 5 ms still survives seconds without a Publish request.
 */
export interface SubscriptionTiming {
  readonly publishingIntervalMs: number;
  readonly maxKeepAliveCount: number;
  readonly lifetimeCount: number;
}

const KEEP_ALIVE_MS = 1000;
const MIN_KEEP_ALIVE_COUNT = 10;
const LIFETIME_KEEP_ALIVES = 6;
/** node-opcua servers accept at most this many intervals between keep-alives. */
const MAX_KEEP_ALIVE_COUNT = 12_000;

/**
 * What to ask for. 0 means the server's fastest (§5.13.2.2: a server revises
 * a too-small interval up to its fastest); it is sent as 1 ms because
 * node-opcua's client turns a requested 0 into 100 ms. The counts asked are
 * the fewest (10 and 60), whatever the interval: node-opcua's client refuses
 * a grant whose keep-alive exceeds the session timeout, and a server may grant
 * far more than 1 ms; they are fitted once the grant is known (`needsModify`).
 */
export function requestedTiming(publishingIntervalMs: number): SubscriptionTiming {
  return { publishingIntervalMs: Math.max(1, publishingIntervalMs), ...countsOf(MIN_KEEP_ALIVE_COUNT) };
}

/** The counts for the interval a server granted. */
export function timingFor(publishingIntervalMs: number): SubscriptionTiming {
  const keepAlive = Math.min(MAX_KEEP_ALIVE_COUNT, Math.max(MIN_KEEP_ALIVE_COUNT, Math.ceil(KEEP_ALIVE_MS / publishingIntervalMs)));
  return { publishingIntervalMs, ...countsOf(keepAlive) };
}

function countsOf(maxKeepAliveCount: number): Omit<SubscriptionTiming, 'publishingIntervalMs'> {
  return { maxKeepAliveCount, lifetimeCount: maxKeepAliveCount * LIFETIME_KEEP_ALIVES };
}

/** True when the granted counts do not fit the granted interval, so the subscription should be modified. */
export function needsModify(granted: SubscriptionTiming): boolean {
  const wanted = timingFor(granted.publishingIntervalMs);
  return wanted.maxKeepAliveCount !== granted.maxKeepAliveCount || wanted.lifetimeCount !== granted.lifetimeCount;
}
