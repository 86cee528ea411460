/**
 * The durable outbox (DESIGN.md §6): everything the gateway sends leaves
 * through here. Records get one gateway-wide `seq`; every sink reads each lane
 * with its own cursor and acks what its server has confirmed; nothing is
 * deleted before every sink of that lane has it, unless the disk budget or
 * telemetry retention forces it (alarms and twin changes never are).
 */

/** Lanes in priority order: a sink drains alarm before twin before telemetry. */
export const LANES = ['alarm', 'twin', 'telemetry'] as const;
export type Lane = (typeof LANES)[number];

export interface OutboxEntry {
  readonly lane: Lane;
  readonly topic: string;
  readonly payload: string;
  /** MQTT retain flag for MQTT sinks (the retained `twin`). */
  readonly retain?: boolean;
}

export interface OutboxRecord extends OutboxEntry {
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

export interface OutboxStore {
  /** Commits the entries durably (one transaction) and returns them with their seq. */
  append(entries: readonly OutboxEntry[]): OutboxRecord[];
  /** Up to `n` records of `cursor.lane` after `cursor.after`, oldest first. */
  read(cursor: OutboxCursor, n: number): OutboxRecord[];
  /** Where `sink` stands in `lane`. */
  cursor(sink: string, lane: Lane): OutboxCursor;
  /**
   * The sink's server confirmed everything up to `seq` in that record's lane;
   * frees what every sink has. A seq evicted meanwhile was telemetry.
   */
  ack(sink: string, seq: number): void;
  /** Drops telemetry past retention; called by the owner's timer. */
  expire(): number;
  stats(): OutboxStats;
  close(): void;
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
