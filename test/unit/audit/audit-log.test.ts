import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditEntry, openAuditLog } from '../../../gateway/src/audit/audit-log.js';

describe('audit trail (SQLite)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-audit-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const entry = (i: number): AuditEntry => ({
    ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    origin: i % 2 === 0 ? 'local' : 'centre',
    principal: `user-${i}`,
    action: 'ack',
    target: 'gas-1/lel1/hihi',
    outcome: i % 3 === 0 ? 'refused' : 'accepted',
    ...(i % 3 === 0 ? { code: 'LL_ERR_TWIN_UNAUTHORISED' } : {}),
  });

  it('keeps every entry across a reopen, newest first', () => {
    const log = openAuditLog(dir);
    for (let i = 1; i <= 3; i += 1) log.record(entry(i));
    log.close();
    const again = openAuditLog(dir);
    assert.deepEqual(again.list(), [entry(3), entry(2), entry(1)]);
    assert.deepEqual(again.list(1), [entry(3)]);
    again.close();
  });

  it('trims to maxRows, oldest first, so a flood of refusals costs bounded disk', () => {
    const log = openAuditLog(dir, 10);
    for (let i = 1; i <= 1000; i += 1) log.record(entry(i));
    const kept = log.list(1000);
    assert.equal(kept.length, 10);
    assert.equal(kept[0]?.principal, 'user-1000');
    assert.equal(kept.at(-1)?.principal, 'user-991');
    log.close();
  });
});
