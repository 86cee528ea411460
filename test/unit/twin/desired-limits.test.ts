import assert from 'node:assert/strict';
import type { TwinReported } from '@lifeline/twin';
import { MAX_COMMAND_BYTES, runCommand } from '../../../gateway/src/twin/command-decision.js';
import { decideDesired, MAX_REASONS } from '../../../gateway/src/twin/desired-decision.js';
import { RequestGuard } from '../../../gateway/src/twin/request-guard.js';

const reported = { limitsVersion: 'lv-3', limits: { 'gas-1/lel1/hihi': {} }, alarms: {} } as unknown as TwinReported;
const guard = () => new RequestGuard(300_000, () => Date.now());
const ctx = { reported, rules: [], canApply: true, maxBytes: 65_536, maxItems: 256, origin: 'centre' as const, guard: guard() };
const by = { user: 'centre-op' };

/** A desired change with `n` limit keys (the 100,000-key message is 2.5 MB). */
function manyLimits(n: number, clientToken = 'big-1'): string {
  const limits: Record<string, { value: number }> = {};
  for (let i = 0; i < n; i++) limits[`gas-${i}/lel1/hihi`] = { value: 40 };
  return JSON.stringify({ clientToken, issuedAt: new Date().toISOString(), by, ifLimitsVersion: 'lv-3', limits });
}

describe('twin/desired: bounded work for any message (issue 18)', () => {
  it('refuses a 100,000-key change by its size, before parsing, with one reason and its clientToken', () => {
    const payload = Buffer.from(manyLimits(100_000));
    assert.ok(payload.length > 2_000_000);
    const d = decideDesired(payload, ctx);
    assert.equal(d.ok, false);
    assert.equal(d.clientToken, 'big-1');
    assert.equal(d.ok ? 0 : d.reasons.length, 1);
    assert.match(d.ok ? '' : (d.reasons[0]?.message ?? ''), /bytes, over the limit of 65536 \(twin\.maxDesiredBytes\)/);
  });

  it('refuses more entries than twin.maxDesiredItems whole, before checking any of them', () => {
    const d = decideDesired(manyLimits(300, 'many-1'), ctx);
    assert.equal(d.ok, false);
    assert.deepEqual(d.ok ? [] : d.reasons.map((r) => r.message), [
      'twin/desired is malformed: 300 limits, acks and shelve entries, over the limit of 256 (twin.maxDesiredItems)',
    ]);
  });

  it(`lists at most ${MAX_REASONS} reasons, the last one counting the rest`, () => {
    const d = decideDesired(manyLimits(200, 'unknown-1'), ctx);
    assert.equal(d.ok, false);
    const reasons = d.ok ? [] : d.reasons;
    assert.equal(reasons.length, MAX_REASONS);
    // 200 unauthorised + 199 unknown targets (gas-1 is known) = 399 reasons; 49 listed, 350 counted.
    assert.match(reasons[MAX_REASONS - 1]?.message ?? '', /350 more reasons not listed/);
  });

  it('still decides a change within the limits as before', () => {
    const d = decideDesired(
      JSON.stringify({
        clientToken: 'ok-1',
        issuedAt: new Date().toISOString(),
        by,
        ifLimitsVersion: 'lv-3',
        limits: { 'gas-1/lel1/hihi': { value: 40 } },
      }),
      {
        ...ctx,
        guard: guard(),
        rules: [{ user: 'centre-op', may: ['limits'] }],
      },
    );
    assert.equal(d.ok, true, JSON.stringify(d));
  });

  it(`refuses a command over ${MAX_COMMAND_BYTES} bytes unparsed, keeping its clientToken`, () => {
    const payload = Buffer.from(JSON.stringify({ clientToken: 'ack-big', alarmId: 'gas-1/lel1/hihi', by, pad: 'x'.repeat(1_000_000) }));
    const outcome = runCommand('ack', payload, { reported, rules: [], alarms: undefined, origin: 'centre', guard: guard() });
    assert.equal(outcome.kind, 'answer');
    const result = outcome.kind === 'answer' ? outcome.result : undefined;
    assert.deepEqual([result?.ok, result?.clientToken, result?.code], [false, 'ack-big', 'LL_ERR_TWIN_COMMAND_INVALID']);
    assert.match(result && !result.ok ? (result.reason ?? '') : '', /1000\d+ bytes, over the limit of 4096/);
  });
});
