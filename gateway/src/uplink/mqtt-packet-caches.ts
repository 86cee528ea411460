import mqttPacket from 'mqtt-packet';

/** mqtt-packet caches the encoding of every remaining length below this (writeToStream.js `writeVarByteInt`). */
const VARINT_CACHED_BELOW = 16_384;

/**
 * mqtt-packet (under MQTT.js and aedes) keeps two module-wide caches of small
 * Buffers, and both cost a gateway memory it does not get back:
 *
 * - the encoding of each packet length below 16 KiB, made at the first packet
 *   of that length: a 4-byte slice of Node's shared 8 KiB allocation pool, so
 *   each entry pins the whole pool it was cut from. Over hours of telemetry
 *   batches and twin patches of ever new sizes that is up to 16,384 × 8 KiB
 *   (128 MiB): the soak's steady RSS growth (docs/BENCHMARKS.md). Filled here
 *   in one go instead, all entries come out of a few consecutive pools
 *   (~16,000 × 8 bytes) and the cache never grows again.
 * - a 2-byte Buffer for each of 65,536 numbers, made at the first packet
 *   written (~7 MB of heap) to save allocating a packet's two or three 2-byte
 *   numbers: turned off.
 *
 * Runs once, before any MQTT client or broker writes a packet.
 */
export function settleMqttPacketCaches(): void {
  if (settled) return;
  settled = true;
  mqttPacket.writeToStream.cacheNumbers = false;
  const sink = { write: () => true } as unknown as Parameters<typeof mqttPacket.writeToStream>[1];
  const payload = Buffer.alloc(VARINT_CACHED_BELOW);
  mqttPacket.writeToStream({ cmd: 'connack', returnCode: 0, sessionPresent: false }, sink);
  // A QoS 0 publish to topic "t" has a remaining length of 2 + 1 + the payload's.
  for (let length = 3; length < VARINT_CACHED_BELOW; length++)
    mqttPacket.writeToStream(
      { cmd: 'publish', topic: 't', payload: payload.subarray(0, length - 3), qos: 0, dup: false, retain: false },
      sink,
    );
}

let settled = false;
