import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LineSilence, type SilencePolicy } from '../../../gateway/src/transports/line-silence.js';
import { frameTimeMs, interFrameGapMs, silencePolicy } from '../../../gateway/src/transports/modbus-connection.js';
import { SERIAL_9600, TCP_LINK } from '../../support/modbus-links.js';

/** t3.5 at 9,600 baud (Modbus over Serial Line V1.02 §2.5.1.1), and the bound of a drain: one 256-byte frame more. */
const T35 = interFrameGapMs(9600);
const SERIAL: SilencePolicy = { gapMs: T35, drainGapMs: T35, maxDrainMs: frameTimeMs(256, 9600) + T35 };

type Event = ['answer', number] | ['cut', number] | ['byte', number] | ['sent'];

/** When the next RTU request may go: the frame gap, and the drain of a late answer after a request cut short. */
describe('RTU line silence (fake clock)', () => {
  const cases: { name: string; events: Event[]; at: number; wait: number }[] = [
    { name: 'after a clean answer: t3.5 from its end', events: [['answer', 100]], at: 101, wait: 100 + T35 - 101 },
    { name: 'after a clean answer, once t3.5 passed: now', events: [['answer', 100]], at: 105, wait: 0 },
    { name: 'cut short, line quiet: t3.5 after the cut', events: [['cut', 200]], at: 200, wait: T35 },
    {
      name: 'cut short while the late answer is on the wire: until no byte came for t3.5',
      events: [
        ['cut', 200],
        ['byte', 203],
        ['byte', 210],
        ['byte', 230],
      ],
      at: 231,
      wait: 230 + T35 - 231,
    },
    {
      name: 'a line that never falls silent: the drain ends one longest frame after the cut',
      events: [
        ['cut', 200],
        ['byte', 480],
        ['byte', 495],
        ['byte', 497],
      ],
      at: 497,
      wait: 200 + SERIAL.maxDrainMs - 497,
    },
    {
      name: 'the drain ends with the next request: then only the frame gap',
      events: [['cut', 200], ['byte', 230], ['sent'], ['answer', 260]],
      at: 262,
      wait: 260 + T35 - 262,
    },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const s = new LineSilence(SERIAL);
      for (const e of t.events) {
        if (e[0] === 'answer' || e[0] === 'byte') s.activity(e[1]);
        else if (e[0] === 'cut') s.cutShort(e[1]);
        else s.sent();
      }
      assert.ok(Math.abs(s.waitMs(t.at) - t.wait) < 1e-9, `wait ${s.waitMs(t.at)} ms, want ${t.wait}`);
    });
  }

  it('drains a late answer arriving byte by byte on a fake clock, then sends: bytes during the drain push it back', async () => {
    const clock = sinon.useFakeTimers({ now: 0 });
    try {
      const s = new LineSilence(SERIAL);
      s.cutShort(Date.now());
      // The late answer: 20 bytes, one per character time at 9,600 baud (1.15 ms), starting 2 ms after the cut.
      for (let i = 0; i < 20; i++) setTimeout(() => s.activity(Date.now()), 2 + Math.round(i * frameTimeMs(1, 9600)));
      let sentAt: number | undefined;
      const send = async () => {
        for (let w = s.waitMs(Date.now()); w > 0; w = s.waitMs(Date.now())) await new Promise((r) => setTimeout(r, Math.ceil(w)));
        sentAt = Date.now();
        s.sent();
      };
      const sending = send();
      await clock.tickAsync(100);
      await sending;
      const lastByte = 2 + Math.round(19 * frameTimeMs(1, 9600));
      assert.ok(sentAt !== undefined && sentAt >= lastByte + T35, `sent at ${sentAt} ms, last byte at ${lastByte} ms`);
      assert.ok(sentAt <= lastByte + T35 + 1, `sent at ${sentAt} ms: no longer than the silence needs`);
    } finally {
      clock.restore();
    }
  });

  it('keeps frames apart only on serial lines; RTU over TCP drains after a cut; Modbus TCP has no silence', () => {
    assert.deepEqual(silencePolicy(SERIAL_9600), SERIAL);
    const overTcp = silencePolicy({ ...TCP_LINK, framing: 'rtu-over-tcp' });
    assert.equal(overTcp?.gapMs, 0);
    assert.ok((overTcp?.drainGapMs ?? 0) > 0);
    assert.equal(silencePolicy({ ...TCP_LINK, maxInFlight: 4 }), undefined);
  });
});
