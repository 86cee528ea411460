import type { AlarmEvent, TelemetryBatch, TwinPatch, TwinSnapshot } from '@lifeline/twin';
import type { Lane, OutboxEntry, StoredRecord } from './outbox-store.js';

/**
 * What sinks receive: outbox records typed by what they carry, one kind per
 * message of the MQTT contract (DESIGN.md §4) that goes through the outbox.
 * `payload` stays the wire form as committed (MQTT sinks publish it byte for
 * byte); `body` is that payload decoded, once, on first use, so no sink parses.
 */
export interface OutboxBodies {
  readonly alarm: AlarmEvent;
  /** The full reported twin, retained on `twin`. */
  readonly twin: TwinSnapshot;
  /** A merge patch from `base` to `version`, on `twin/patch`. */
  readonly 'twin-patch': TwinPatch;
  readonly telemetry: TelemetryBatch;
}

export type RecordKind = keyof OutboxBodies;

/** Where each kind travels: its lane, and whether MQTT retains it. */
export const RECORD_KINDS: { readonly [K in RecordKind]: { readonly lane: Lane; readonly retain: boolean } } = {
  alarm: { lane: 'alarm', retain: false },
  twin: { lane: 'twin', retain: true },
  'twin-patch': { lane: 'twin', retain: false },
  telemetry: { lane: 'telemetry', retain: false },
};

type Typed<K extends RecordKind> = Omit<StoredRecord, 'lane'> & {
  readonly kind: K;
  readonly lane: (typeof RECORD_KINDS)[K]['lane'];
  /** The payload decoded (throws if the payload is not JSON: only a bug writes such a record). */
  readonly body: OutboxBodies[K];
};

/** One record of the outbox as a sink gets it: a union discriminated by `kind`. */
export type OutboxRecord = { [K in RecordKind]: Typed<K> }[RecordKind];

/** The kind of a stored record: its lane, and in the twin lane the retain flag (the full twin is retained). */
export function kindOf(record: Pick<StoredRecord, 'lane' | 'retain'>): RecordKind {
  if (record.lane === 'twin') return record.retain ? 'twin' : 'twin-patch';
  return record.lane;
}

/** An entry for `kind` with its body already encoded (producers serialise once, e.g. to measure it). */
export function entryOf(kind: RecordKind, topic: string, payload: string): OutboxEntry {
  const { lane, retain } = RECORD_KINDS[kind];
  return { lane, topic, payload, ...(retain ? { retain } : {}) };
}

/** Types a stored record; its body is parsed lazily and at most once. */
export function typed(stored: StoredRecord): OutboxRecord {
  let body: unknown;
  let parsed = false;
  return Object.defineProperty({ ...stored, kind: kindOf(stored) }, 'body', {
    // Not enumerable: copying or comparing a record must not parse it.
    enumerable: false,
    get() {
      if (!parsed) {
        body = JSON.parse(stored.payload);
        parsed = true;
      }
      return body;
    },
  }) as OutboxRecord;
}
