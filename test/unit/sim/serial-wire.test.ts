import assert from 'node:assert/strict';
import { chunkBytes, chunkTimes, frameTimeMs, SerialWire } from '../../../firmware-sim/src/modbus/serial-wire.js';

describe('simulated serial wire time', () => {
  it('takes 11 bits per character at the baud rate', () => {
    assert.ok(Math.abs(frameTimeMs(8, 9600) - 9.1667) < 0.001);
    assert.ok(Math.abs(frameTimeMs(8, 115_200) - 0.7639) < 0.001);
  });

  it('answers after the request, the turnaround and the answer are on the wire; answers queue on the half-duplex line', () => {
    const wire = new SerialWire(9600, 5);
    const first = wire.answerDelayMs(0, 8, 25);
    assert.ok(Math.abs(first - (frameTimeMs(8, 9600) + 5 + frameTimeMs(25, 9600))) < 1e-9);
    // A second request arriving at once waits for the first answer to leave the line.
    const second = wire.answerDelayMs(0, 8, 25);
    assert.ok(Math.abs(second - (first + 5 + frameTimeMs(25, 9600))) < 1e-9);
    // Much later, the line is free again.
    assert.ok(Math.abs(wire.answerDelayMs(10_000, 8, 25) - first) < 1e-9);
  });

  it('lets a long answer arrive a few bytes at a time, each chunk when its last byte is on the wire, closer than t3.5', () => {
    const end = 300;
    const times = chunkTimes(end, 7, 9600);
    const start = end - frameTimeMs(7, 9600);
    assert.equal(chunkBytes(9600), 2);
    assert.deepEqual(
      times.map(([bytes]) => bytes),
      [2, 4, 6, 7],
    );
    assert.ok(Math.abs((times[0]?.[1] ?? 0) - (start + frameTimeMs(2, 9600))) < 1e-9);
    assert.equal(times[3]?.[1], end);
    // 3.5 characters at 9,600 baud are 4.01 ms; chunks come every 2.3 ms.
    assert.ok(frameTimeMs(chunkBytes(9600), 9600) < 3.5 * frameTimeMs(1, 9600));
    assert.equal(chunkBytes(115_200), 10);
  });
});
