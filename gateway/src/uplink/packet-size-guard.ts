/**
 * aedes 1.x has no maximum packet size: mqtt-packet buffers a packet whole
 * before any hook (authorizePublish, the ACL) sees it, so one client could
 * make the broker hold a 256 MB PUBLISH (the largest Remaining Length,
 * MQTT 3.1.1 §2.2.3). This guard checks each packet's Remaining Length the
 * moment the parser has read it, before the payload is buffered, and ends the
 * connection with a parse error when it exceeds the client's limit (aedes
 * then closes the socket, as for any malformed packet [MQTT-4.8.0-1]).
 *
 * It reaches into mqtt-packet's parser (`_parseLength`, `packet.length`,
 * `_emitError`), which aedes creates per connection as `client._parser`;
 * `guardPacketSize` throws at the first connection if those are absent, and
 * test/integration/local-broker-limits.test.ts holds the behaviour.
 */
interface PacketParser {
  _parseLength(): boolean;
  _emitError(err: Error): void;
  packet: { length: number; cmd?: string };
}

export interface PacketSizeLimit {
  /** The limit for this connection now; undefined = none (the gateway's own client, once logged in). */
  readonly maxBytes: () => number | undefined;
  readonly onRefused: (detail: { readonly cmd: string; readonly bytes: number; readonly limit: number }) => void;
}

export function guardPacketSize(client: unknown, limit: PacketSizeLimit): void {
  const parser = (client as { _parser?: Partial<PacketParser> })._parser;
  if (typeof parser?._parseLength !== 'function' || typeof parser._emitError !== 'function') {
    throw new Error('aedes/mqtt-packet changed: no client._parser._parseLength to bound packet sizes (local-broker packet-size-guard)');
  }
  const p = parser as PacketParser;
  const parseLength = p._parseLength.bind(p);
  p._parseLength = () => {
    if (!parseLength()) return false;
    const max = limit.maxBytes();
    if (max !== undefined && p.packet.length > max) {
      const detail = { cmd: p.packet.cmd ?? 'unknown', bytes: p.packet.length, limit: max };
      limit.onRefused(detail);
      p._emitError(new Error(`${detail.cmd} packet of ${detail.bytes} bytes is over the limit of ${max} (mqtt.local.maxPacketBytes)`));
      return false;
    }
    return true;
  };
}
