/**
 * The durable outbox (DESIGN.md §6): everything the gateway sends leaves
 * through here. Records get one gateway-wide `seq`; every sink reads each lane
 * with its own cursor and acks what its server has confirmed; nothing is
 * deleted before every sink of that lane has it, unless the disk budget or
 * telemetry retention forces it (alarms and twin changes never are).
 */

/**
 * The lanes, declared here once, in priority order: a sink drains alarm before
 * twin before telemetry (DESIGN.md §3). Every other list of lanes derives from it.
 */
export const LANES = ['alarm', 'twin', 'telemetry'] as const;
export type Lane = (typeof LANES)[number];

/** `{alarm: f('alarm'), …}` for every lane, in priority order. */
export function perLane<T>(f: (lane: Lane) => T): Record<Lane, T> {
  return Object.fromEntries(LANES.map((l) => [l, f(l)])) as Record<Lane, T>;
}

export interface OutboxEntry {
  readonly lane: Lane;
  readonly topic: string;
  readonly payload: string;
  /** MQTT retain flag for MQTT sinks (the retained `twin`). */
  readonly retain?: boolean;
}

/** A record as the store holds it: the payload is the wire form, committed byte for byte. */
export interface StoredRecord extends OutboxEntry {
  readonly seq: number;
  /** When the record was committed (ms since epoch); replay compares it with a sink's online time. */
  readonly createdAt: number;
  readonly retain: boolean;
}

/** Where one sink stands in one lane: it has everything up to and including `after`. */
export interface OutboxCursor {
  readonly sink: string;
  readonly lane: Lane;
  readonly after: number;
}

export interface LaneStats {
  /** Records held for at least one sink. */
  readonly depth: number;
  readonly bytes: number;
}

export interface OutboxStats {
  readonly lanes: Readonly<Record<Lane, LaneStats>>;
  readonly bytes: number;
  readonly budgetBytes: number;
  /** Telemetry records dropped by the disk budget since the store was created (persisted). */
  readonly evicted: number;
  /** Telemetry records dropped by retention since the store was created (persisted). */
  readonly expired: number;
  readonly lastSeq: number;
  /** sink → lane → pending records beyond its cursor, and the cursor itself. */
  readonly sinks: Readonly<Record<string, Readonly<Partial<Record<Lane, { readonly cursor: number; readonly pending: number }>>>>>;
}

/** Which lanes each sink consumes, e.g. `{centre: [alarm, twin, telemetry], influx: [telemetry]}`. */
export type SinkLanes = Readonly<Record<string, readonly Lane[]>>;

export interface OutboxStoreOptions {
  readonly sinks: SinkLanes;
  /** Total payload bytes the store may hold before telemetry is evicted oldest-first. */
  readonly budgetBytes: number;
  /** Telemetry older than this is dropped even if a sink still lacks it; 0 keeps it until the budget forces. */
  readonly telemetryRetentionMs: number;
  readonly now?: () => number;
}

/**
 * Lanes whose records are on disk before `append` returns, so a power cut
 * right after an alarm is published cannot lose it. The other lanes and the
 * cursors survive a process crash at once and a power cut from the owner's
 * next `sync()` on: a sync on the event loop per telemetry batch, twin patch
 * and PUBACK held every alarm behind it (docs/operations.md "Buffering").
 */
export const SYNCED_LANES: readonly Lane[] = ['alarm'];

/** Whether a commit of `entries` must reach the disk before it returns. */
export function syncedAtCommit(entries: readonly Pick<OutboxEntry, 'lane'>[]): boolean {
  return entries.some((e) => SYNCED_LANES.includes(e.lane));
}

export interface OutboxStore {
  /** The sinks (and their lanes) it keeps records for, as opened. */
  readonly sinks: SinkLanes;
  /**
   * Commits the entries (one transaction) and returns them with their seq:
   * on disk before it returns when `syncedAtCommit`, else from the next
   * `sync()`. A full twin (`isFullTwin`) supersedes every earlier twin
   * record, which is dropped in the same transaction.
   */
  append(entries: readonly OutboxEntry[]): StoredRecord[];
  /** Puts on disk what was committed since the last sync, off the event loop; the owner's timer calls it. */
  sync(): Promise<void>;
  /** Up to `n` records of `cursor.lane` after `cursor.after`, oldest first. */
  read(cursor: OutboxCursor, n: number): StoredRecord[];
  /** Where `sink` stands in `lane`. */
  cursor(sink: string, lane: Lane): OutboxCursor;
  /**
   * The sink's server confirmed everything up to `seq` in `lane`; frees what
   * every sink has. The lane is given, not looked up: the record may be gone
   * meanwhile (telemetry evicted, twin superseded).
   */
  ack(sink: string, lane: Lane, seq: number): void;
  /** Drops telemetry past retention; called by the owner's timer. */
  expire(): number;
  stats(): OutboxStats;
  close(): void;
}

/**
 * The retained record of the twin lane is the full reported twin (docs/twin.md):
 * it holds everything the earlier twin records (patches, older twins) said, so
 * the store keeps only the newest full twin and the patches after it. A sink
 * back from an outage therefore gets the current twin first, then live patches
 * that chain from it, instead of a backlog of stale patches (DESIGN.md §6:
 * superseded twin state is not lost, it is contained in the newer twin).
 */
export function isFullTwin(entry: Pick<OutboxEntry, 'lane' | 'retain'>): boolean {
  return entry.lane === 'twin' && entry.retain === true;
}

export function payloadBytes(entry: Pick<OutboxEntry, 'payload' | 'topic'>): number {
  return Buffer.byteLength(entry.payload) + Buffer.byteLength(entry.topic);
}

/** Lanes at least one sink consumes; a lane nobody consumes keeps nothing. */
export function consumers(sinks: SinkLanes, lane: Lane): string[] {
  return Object.entries(sinks)
    .filter(([, lanes]) => lanes.includes(lane))
    .map(([sink]) => sink);
}

/** Each sink's pending records per lane, every lane present (0 for a lane the sink does not take). */
export function outboxBacklog(stats: OutboxStats): Record<string, Record<Lane, number>> {
  return Object.fromEntries(Object.entries(stats.sinks).map(([sink, lanes]) => [sink, perLane((lane) => lanes[lane]?.pending ?? 0)]));
}
