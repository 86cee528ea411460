import assert from 'node:assert/strict';
import { floorMs, frameTimeMs, PEAK_DECAY, ResponseTimer, sizeBucket } from '../../../gateway/src/acquisition/modbus/response-timer.js';
import { SERIAL_9600, TCP_LINK } from '../../support/modbus-links.js';

const POLICY = { adaptive: true, minMs: 10, turnaroundMs: 5 };

describe('adaptive response timer (RFC 6298)', () => {
  it('uses the ceiling until a size has a sample', () => {
    const t = new ResponseTimer();
    assert.equal(t.timeoutFor(10, 10, 1000), 1000);
    assert.equal(t.knows(10), false);
  });

  it('follows SRTT + 4·RTTVAR after the first sample (SRTT = R, RTTVAR = R/2)', () => {
    const t = new ResponseTimer();
    t.observe(10, 40);
    assert.equal(t.timeoutFor(10, 1, 1000), 40 + 4 * 20);
    t.observe(10, 40);
    // RTTVAR = 3/4·20 + 1/4·0 = 15; SRTT = 40.
    assert.equal(t.timeoutFor(10, 1, 1000), 40 + 60);
  });

  const bounds: { name: string; samples: number[]; floor: number; ceiling: number; want: number }[] = [
    { name: 'never below the floor', samples: [1, 1, 1, 1, 1, 1, 1, 1], floor: 10, ceiling: 1000, want: 10 },
    { name: 'never above the ceiling', samples: [900, 300, 1500], floor: 10, ceiling: 1000, want: 1000 },
    { name: 'a jittery unit gets headroom', samples: [20, 60, 20, 60, 20, 60], floor: 10, ceiling: 1000, want: 115 },
  ];
  for (const b of bounds) {
    it(`is ${b.name}`, () => {
      const t = new ResponseTimer();
      for (const s of b.samples) t.observe(4, s);
      assert.equal(t.timeoutFor(4, b.floor, b.ceiling), b.want);
    });
  }

  it('keeps headroom for a unit that stalls now and then, which RTTVAR alone forgets within a few samples', () => {
    const t = new ResponseTimer();
    for (let i = 0; i < 20; i++) t.observe(4, 2);
    // A late answer (a peer's GC pause), then the unit answers like clockwork again.
    t.observe(4, 60);
    for (let i = 0; i < 20; i++) t.observe(4, 2);
    // SRTT + 4·RTTVAR is back under 10 ms by now; the peak keeps the stall's 60 ms, decayed a little.
    const want = 60 * (1 - PEAK_DECAY) ** 20;
    assert.equal(t.timeoutFor(4, 10, 1000), Math.ceil(want));
    assert.ok(t.timeoutFor(4, 10, 1000) > 50);
  });

  it('lets a stall’s headroom decay: a unit that answers like clockwork for a long while gets its tight timeout back', () => {
    const t = new ResponseTimer();
    t.observe(4, 2);
    t.observe(4, 60);
    for (let i = 0; i < 2000; i++) t.observe(4, 2);
    assert.equal(t.timeoutFor(4, 10, 1000), 10);
  });

  it('keeps one estimate per request size class', () => {
    const t = new ResponseTimer();
    t.observe(1, 5);
    t.observe(100, 80);
    assert.ok(t.timeoutFor(1, 1, 1000) < t.timeoutFor(100, 1, 1000));
    assert.equal(sizeBucket(100), sizeBucket(125));
    assert.notEqual(sizeBucket(1), sizeBucket(2));
  });

  it('puts the frame time at the baud rate and the turnaround into a serial floor', () => {
    const rtu = SERIAL_9600;
    // 10 registers: 8-byte request + 25-byte answer = 33 characters of 11 bits at 9600 baud ≈ 37.8 ms, + 4.0 ms silence + 5 + 10.
    assert.ok(Math.abs(floorMs(rtu, POLICY, 10, false) - (frameTimeMs(33, 9600) + 4.0104 + 15)) < 0.01);
    assert.ok(Math.abs(frameTimeMs(33, 9600) - 37.8125) < 0.001);
    const tcp = TCP_LINK;
    assert.equal(floorMs(tcp, POLICY, 10, false), 10);
  });
});
