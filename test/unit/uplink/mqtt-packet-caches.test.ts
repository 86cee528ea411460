import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';
import { settleMqttPacketCaches } from '../../../gateway/src/uplink/mqtt-packet-caches.js';

/** Encodes with writeToStream (what MQTT.js and aedes use), parses back with mqtt-packet's own parser. */
function roundTrip(packet: mqttPacket.Packet, protocolVersion: 4 | 5 = 4): mqttPacket.Packet {
  const chunks: Buffer[] = [];
  const stream = { write: (b: Buffer | string) => chunks.push(Buffer.from(b)) > 0 } as unknown as Parameters<
    typeof mqttPacket.writeToStream
  >[1];
  assert.ok(mqttPacket.writeToStream(packet, stream, { protocolVersion }));
  const parser = mqttPacket.parser({ protocolVersion });
  const parsed: mqttPacket.Packet[] = [];
  parser.on('packet', (p) => parsed.push(p));
  parser.on('error', (e) => assert.fail(e));
  parser.parse(Buffer.concat(chunks));
  assert.equal(parsed.length, 1);
  return parsed[0] as mqttPacket.Packet;
}

describe('mqtt-packet caches, settled once', () => {
  before(() => settleMqttPacketCaches());

  it('turns off the 65,536-number cache', () => assert.equal(mqttPacket.writeToStream.cacheNumbers, false));

  it('is idempotent', () => {
    settleMqttPacketCaches();
    assert.equal(mqttPacket.writeToStream.cacheNumbers, false);
  });

  it('encodes every packet length, cached (below 16 KiB) or not, as mqtt-packet parses it back', () => {
    const body = Buffer.alloc(20_000, 7);
    for (const length of [0, 1, 2, 126, 127, 128, 129, 16_380, 16_383, 16_384, 20_000]) {
      const parsed = roundTrip({
        cmd: 'publish',
        topic: 'lifeline/v1/s/g/telemetry',
        payload: body.subarray(0, length),
        qos: 1,
        messageId: 42,
        dup: false,
        retain: false,
      });
      assert.equal(parsed.cmd, 'publish');
      assert.equal((parsed as mqttPacket.IPublishPacket).payload.length, length);
      assert.equal((parsed as mqttPacket.IPublishPacket).messageId, 42);
    }
  });

  it('still encodes MQTT 5 packets with properties and 2-byte numbers', () => {
    const parsed = roundTrip(
      {
        cmd: 'publish',
        topic: 'a/b',
        payload: Buffer.from('x'),
        qos: 1,
        messageId: 65_535,
        dup: false,
        retain: true,
        properties: { messageExpiryInterval: 60 },
      },
      5,
    ) as mqttPacket.IPublishPacket;
    assert.equal(parsed.messageId, 65_535);
    assert.equal(parsed.properties?.messageExpiryInterval, 60);
  });
});
