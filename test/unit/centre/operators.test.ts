import assert from 'node:assert/strict';
import { type JournalRow, journalCsv, operatorOf, parseOperators } from '@lifeline/twin/centre';
import { alarm } from './centre-fixtures.js';

describe('centre: operator logins and the journal export', () => {
  it('maps tokens to operators, refusing short tokens and bad names', () => {
    const ops = parseOperators('alice:aaaaaaaaaaaaaaaa1, bob:bbbbbbbbbbbbbbbb2', 'legacy');
    assert.ok(typeof ops !== 'string');
    assert.equal(operatorOf(ops, 'Bearer aaaaaaaaaaaaaaaa1'), 'alice');
    assert.equal(operatorOf(ops, 'Bearer legacy'), 'centre');
    assert.equal(operatorOf(ops, 'Bearer nope'), undefined);
    assert.equal(operatorOf(ops, undefined), undefined);
    assert.match(String(parseOperators('carol:short', undefined)), /shorter than 16/);
    assert.match(String(parseOperators('no token here', undefined)), /user:token/);
  });

  it('writes the journal as RFC 4180 CSV, quoting what needs it', () => {
    const row: JournalRow = {
      site: 's1',
      gateway: 'g1',
      bootId: 'b1',
      seq: 1,
      receivedAt: '2026-01-01T00:00:02.000Z',
      event: { ...alarm(1, 'acknowledged'), user: 'alice', comment: 'said "ok", left' },
    };
    const [header, line, end] = journalCsv([row]).split('\r\n');
    assert.match(header ?? '', /^receivedAt,site,gateway,bootId,seq,event,alarmId/);
    assert.match(line ?? '', /"alice","said ""ok"", left"$/);
    assert.equal(end, '');
  });
});
