import assert from 'node:assert/strict';
import { type Candidate, deadlineSlackMs, planNext } from '../../../gateway/src/acquisition/modbus/bus-plan.js';

type C = Candidate<string>;
const NOW = 10_000;

function c(job: string, kind: C['kind'], o: Partial<Omit<C, 'job' | 'kind'>> = {}): C {
  return { job, kind, readyAt: NOW, deadline: NOW, busUse: 0, wantMs: 1000, floorMs: 10, ...o };
}

/** Scheduler decisions as a table (docs/acquisition.md "Scheduling"), at a fixed now. */
describe('bus plan (which request next, with what timeout)', () => {
  const cases: { name: string; candidates: C[]; want: ReturnType<typeof planNext<string>> }[] = [
    {
      name: 'earliest deadline first among due polls (a priority-1 point has no slack)',
      candidates: [c('bulk', 'poll', { readyAt: NOW - 5, deadline: NOW + 20 }), c('detector', 'poll', { deadline: NOW, wantMs: 30 })],
      want: { kind: 'send', job: 'detector', timeoutMs: 30 },
    },
    {
      name: 'saturated (two polls past their deadline): least bus time first',
      candidates: [
        c('slow', 'poll', { deadline: NOW - 50, busUse: 900 }),
        c('cheap', 'poll', { deadline: NOW - 10, busUse: 20 }),
        c('fresh', 'poll', { deadline: NOW + 5, busUse: 0 }),
      ],
      want: { kind: 'send', job: 'cheap', timeoutMs: 1000 },
    },
    {
      name: 'a retry never takes a due healthy poll slot',
      candidates: [c('retry', 'retry', { deadline: NOW + 60 }), c('poll', 'poll', { deadline: NOW + 50, wantMs: 40 })],
      want: { kind: 'send', job: 'poll', timeoutMs: 40 },
    },
    {
      name: 'a retry past its own deadline competes like a poll (a saturated link does not starve it)',
      candidates: [c('retry', 'retry', { deadline: NOW - 100 }), c('poll', 'poll', { deadline: NOW - 10, wantMs: 40 })],
      want: { kind: 'send', job: 'retry', timeoutMs: 1000 },
    },
    {
      name: 'a retry goes when no healthy poll is due, with its full timeout',
      candidates: [c('retry', 'retry'), c('poll', 'poll', { readyAt: NOW + 30, deadline: NOW + 30 })],
      want: { kind: 'send', job: 'retry', timeoutMs: 1000 },
    },
    {
      name: 'a probe is cut to the gap before the next healthy deadline',
      candidates: [c('dead', 'probe'), c('poll', 'poll', { readyAt: NOW + 40, deadline: NOW + 40 })],
      want: { kind: 'send', job: 'dead', timeoutMs: 40 },
    },
    {
      name: 'a probe never starts when the gap is under its floor',
      candidates: [c('dead', 'probe', { floorMs: 10 }), c('poll', 'poll', { readyAt: NOW + 8, deadline: NOW + 8 })],
      want: { kind: 'wait', untilMs: NOW + 8 },
    },
    {
      name: 'a probe waits while a healthy poll is due',
      candidates: [c('dead', 'probe', { readyAt: NOW - 500 }), c('poll', 'poll', { deadline: NOW + 100 })],
      want: { kind: 'send', job: 'poll', timeoutMs: 1000 },
    },
    {
      name: 'a probe keeps its learned timeout when the gap is larger',
      candidates: [c('dead', 'probe', { wantMs: 25 }), c('poll', 'poll', { readyAt: NOW + 90, deadline: NOW + 90 })],
      want: { kind: 'send', job: 'dead', timeoutMs: 25 },
    },
    {
      name: 'a lone dead unit is probed with its whole timeout (no healthy poll to protect)',
      candidates: [c('dead', 'probe')],
      want: { kind: 'send', job: 'dead', timeoutMs: 1000 },
    },
    {
      name: 'nothing ready: wait for the earliest ready time',
      candidates: [c('a', 'poll', { readyAt: NOW + 70 }), c('b', 'retry', { readyAt: NOW + 20 }), c('dead', 'probe', { readyAt: NOW + 5 })],
      want: { kind: 'wait', untilMs: NOW + 5 },
    },
  ];
  for (const t of cases) it(t.name, () => assert.deepEqual(planNext(NOW, t.candidates), t.want));

  describe('on a pipelined link (several requests may be outstanding)', () => {
    it('probes with the whole timeout when a second slot stays free for the healthy polls', () => {
      const candidates = [c('dead', 'probe', { wantMs: 1000 }), c('poll', 'poll', { readyAt: NOW + 8, deadline: NOW + 8 })];
      assert.deepEqual(planNext(NOW, candidates, 2), { kind: 'send', job: 'dead', timeoutMs: 1000 });
    });
    it('keeps the gap rule with one slot left: a probe never takes the last one past the next deadline', () => {
      const candidates = [c('dead', 'probe', { wantMs: 1000 }), c('poll', 'poll', { readyAt: NOW + 8, deadline: NOW + 8 })];
      assert.deepEqual(planNext(NOW, candidates, 1), { kind: 'wait', untilMs: NOW + 8 });
    });
    it('still serves due polls before probes and retries', () => {
      const candidates = [
        c('dead', 'probe'),
        c('retry', 'retry', { deadline: NOW + 60 }),
        c('poll', 'poll', { deadline: NOW + 50, wantMs: 40 }),
      ];
      assert.deepEqual(planNext(NOW, candidates, 4), { kind: 'send', job: 'poll', timeoutMs: 40 });
    });
  });

  it('gives points with priority 1–2 conditions no deadline slack, others a quarter interval up to 250 ms', () => {
    assert.equal(deadlineSlackMs(100, true), 0);
    assert.equal(deadlineSlackMs(100, false), 25);
    assert.equal(deadlineSlackMs(10_000, false), 250);
  });
});
