import assert from 'node:assert/strict';
import { IsoMemo } from '@lifeline/core';

describe('IsoMemo (ISO time formatted once per sample time)', () => {
  it('formats like Date.toISOString, again only when the time changes', () => {
    const memo = new IsoMemo();
    const first = memo.of(1_700_000_000_123);
    assert.equal(first, new Date(1_700_000_000_123).toISOString());
    assert.equal(memo.of(1_700_000_000_123), first);
    assert.equal(memo.of(0), '1970-01-01T00:00:00.000Z');
    assert.equal(memo.of(1_700_000_000_123), first);
  });
});
