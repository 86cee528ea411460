import assert from 'node:assert/strict';
import { toRtuFrame } from '../../../gateway/src/transports/mbap-framing.js';
import { frameLength } from '../../../gateway/src/transports/telnet-fc43.js';

/** A function 43/14 answer PDU with the given objects (Modbus App Protocol V1.1b3 §6.21). */
function answer(objects: readonly string[]): Buffer {
  const body = objects.flatMap((o, id) => [id, o.length, ...Buffer.from(o, 'latin1')]);
  return Buffer.from([0x2b, 0x0e, 1, 0x81, 0, 0, objects.length, ...body]);
}

describe('RTU over TCP: framing Read Device Identification answers', () => {
  it('finds the end of a complete answer from its object lengths, behind leading noise', () => {
    const frame = toRtuFrame(5, answer(['ACME', 'GD-4', '1.2']));
    assert.equal(frameLength(frame, 0), frame.length);
    const noisy = Buffer.concat([Buffer.from([0x00, 0x13]), frame]);
    assert.equal(frameLength(noisy, 2), frame.length);
  });

  it('waits for a cut-short answer and refuses one whose CRC does not check', () => {
    const frame = toRtuFrame(5, answer(['ACME', 'GD-4', '1.2']));
    for (const cut of [3, 8, 12, frame.length - 1]) assert.equal(frameLength(frame.subarray(0, cut), 0), undefined, `cut at ${cut}`);
    const bad = Buffer.from(frame);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    assert.equal(frameLength(bad, 0), undefined);
  });

  it('frames the 5-byte exception answer (function 0xAB)', () => {
    assert.equal(frameLength(toRtuFrame(5, Buffer.from([0xab, 0x01])), 0), 5);
  });
});
