import assert from 'node:assert/strict';
import { MAX_TID, TransactionIds } from '../../../gateway/src/transports/transaction-ids.js';

type Step = ['issue', number] | ['answer', number, 'answer' | 'late'] | ['retire', number];

/** MBAP transaction ids with several requests in flight (pipelining): an answer lands on its own request or is dropped as late. */
describe('MBAP transaction ids (Modbus Messaging on TCP/IP V1.0b §3.1.3, §4.2)', () => {
  const cases: { name: string; steps: Step[] }[] = [
    {
      name: 'answers out of order each land on their own request',
      steps: [
        ['issue', 1],
        ['issue', 2],
        ['issue', 3],
        ['answer', 3, 'answer'],
        ['answer', 1, 'answer'],
        ['answer', 2, 'answer'],
      ],
    },
    {
      name: 'a late answer to a request cut short is dropped, not taken as the next request’s answer',
      steps: [
        ['issue', 1],
        ['retire', 1],
        ['issue', 2],
        ['answer', 1, 'late'],
        ['answer', 2, 'answer'],
      ],
    },
    {
      name: 'a dead unit’s request retired while others are answered: its late answer is still dropped',
      steps: [
        ['issue', 1],
        ['issue', 2],
        ['answer', 2, 'answer'],
        ['issue', 3],
        ['retire', 1],
        ['answer', 3, 'answer'],
        ['answer', 1, 'late'],
      ],
    },
    {
      name: 'an answer seen twice is late the second time',
      steps: [
        ['issue', 1],
        ['answer', 1, 'answer'],
        ['answer', 1, 'late'],
      ],
    },
    {
      name: 'an id never sent is late',
      steps: [
        ['issue', 1],
        ['answer', 9, 'late'],
        ['answer', 1, 'answer'],
      ],
    },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const ids = new TransactionIds();
      for (const step of t.steps) {
        if (step[0] === 'issue') assert.equal(ids.issue(), step[1]);
        else if (step[0] === 'retire') ids.retire(step[1]);
        else assert.equal(ids.match(step[1]), step[2], `answer ${step[1]}`);
      }
    });
  }

  it('wraps after 65535 and skips an id still in flight', () => {
    const ids = new TransactionIds();
    const stuck = ids.issue();
    assert.equal(stuck, 1);
    for (let i = 2; i <= MAX_TID; i++) ids.match(ids.issue());
    assert.equal(ids.next, 2, 'id 1 is still in flight: the wrap skips it');
    ids.retire(stuck);
    assert.equal(ids.issue(), 2);
    assert.equal(ids.outstanding, 1);
  });
});
