import assert from 'node:assert/strict';
import { ALARM_CONDITIONS } from '@lifeline/core';
import { AckCommandSchema, parsePayload, ShelveCommandSchema, TwinDesiredSchema } from '@lifeline/twin';

/** Every condition kind the engine raises can be acknowledged and shelved from the centre (issue 17 §6). */
describe('twin: alarm ids of every condition kind', () => {
  const base = { clientToken: 't', issuedAt: '2026-01-01T00:00:00Z', by: { user: 'ops' } };
  for (const condition of ALARM_CONDITIONS) {
    const alarmId = `gas-1/lel1/${condition}`;
    it(`${alarmId} is addressable by cmd/ack, cmd/shelve and twin/desired`, () => {
      assert.equal(parsePayload(AckCommandSchema, JSON.stringify({ ...base, alarmId }), 'x').ok, true);
      assert.equal(parsePayload(ShelveCommandSchema, JSON.stringify({ ...base, alarmId, durationMs: 60_000 }), 'x').ok, true);
      const desired = { ...base, acks: [alarmId], shelve: { [alarmId]: { durationMs: 60_000 } } };
      assert.equal(parsePayload(TwinDesiredSchema, JSON.stringify(desired), 'x').ok, true);
    });
  }

  for (const alarmId of ['gas-1/lel1/bogus', 'gas-1/lel1', 'gas-1/lel1/hihi/x', 'Gas/lel1/hihi', 'gas-1/lel1/comm2']) {
    it(`${alarmId} is refused`, () => {
      assert.equal(parsePayload(AckCommandSchema, JSON.stringify({ ...base, alarmId }), 'x').ok, false);
    });
  }

  it('a command without its issue time is refused', () => {
    const { issuedAt: _, ...noTime } = base;
    assert.equal(parsePayload(AckCommandSchema, JSON.stringify({ ...noTime, alarmId: 'gas-1/lel1/hihi' }), 'x').ok, false);
  });
});
