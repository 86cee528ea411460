import type { OutboxRecord } from '../store/outbox-record.js';
import type { Sink, SinkHealth } from '../store/outbox-sink.js';
import { LANES, type Lane } from '../store/outbox-store.js';
import type { MqttUplink } from '../uplink/mqtt-uplink.js';

/** MQTT 5 user property on replayed messages; MQTT 3.1.1 has no headers, so telemetry also says it in its payload. */
export const HISTORICAL_PROPERTY = 'lifeline-historical';

/** An MQTT broker carries every lane: alarms, the twin (retained `twin`, `twin/patch`) and telemetry. */
export const MQTT_LANES: readonly Lane[] = LANES;

/**
 * An MQTT broker (the centre, or the local broker) as an outbox sink: QoS 1
 * for every lane, the cursor moving only after every PUBACK of a delivery.
 * Records of one delivery are pipelined (in flight together, in order). Each
 * record goes out on its topic with its committed payload byte for byte, the
 * full twin retained (DESIGN.md §4).
 */
export class MqttSink implements Sink {
  readonly name: string;
  readonly lanes: readonly Lane[] = MQTT_LANES;
  readonly #uplink: MqttUplink;
  #delivered = 0;

  constructor(uplink: MqttUplink) {
    this.name = uplink.name;
    this.#uplink = uplink;
  }

  get uplink(): MqttUplink {
    return this.#uplink;
  }

  get ready(): boolean {
    return this.#uplink.connected;
  }

  get onlineSince(): number {
    return this.#uplink.onlineSince;
  }

  onReady(listener: () => void): void {
    this.#uplink.onConnect(listener);
  }

  start(): void {
    this.#uplink.start();
  }

  stop(): Promise<void> {
    return this.#uplink.stop();
  }

  async deliver(records: readonly OutboxRecord[], historical: boolean): Promise<void> {
    const userProperties = historical ? { [HISTORICAL_PROPERTY]: 'true' } : undefined;
    await Promise.all(
      records.map((r) =>
        this.#uplink.publishAcked(r.topic, historical ? markHistorical(r) : r.payload, {
          retain: r.retain,
          ...(userProperties ? { userProperties } : {}),
        }),
      ),
    );
    this.#delivered += records.length;
  }

  health(): SinkHealth {
    const lastError = this.#uplink.lastError;
    return { ready: this.ready, delivered: this.#delivered, ...(lastError ? { lastError } : {}) };
  }
}

/**
 * Lanes whose payload schema has an optional `historical` flag, so an MQTT
 * 3.1.1 centre (no user properties) can tell a replay from a live message.
 * Twin messages are state, not events: a replayed patch is as current as any.
 */
export const PAYLOAD_MARKED_LANES: ReadonlySet<Lane> = new Set<Lane>(['telemetry', 'alarm']);

/** Replayed payloads of those lanes carry `"historical": true`; other lanes keep theirs byte for byte. */
function markHistorical(record: OutboxRecord): string {
  if (!PAYLOAD_MARKED_LANES.has(record.lane)) return record.payload;
  return `${record.payload.slice(0, -1)},"historical":true}`;
}
