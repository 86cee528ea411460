import assert from 'node:assert/strict';
import { type AlarmEvent, colourOf } from '@lifeline/twin';
import { NORMAL_LIFECYCLE } from '../../../core/src/alarms/lifecycle.js';
import { auth, type Harness, harness, transition } from './http-fake-view.js';

const post = (h: Harness, url: string, payload: unknown, role: 'operator' | 'admin' = 'operator') =>
  h.app.inject({ method: 'POST', url, headers: auth(role), payload: payload as Record<string, unknown> });

describe('HTTP alarm commands', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ writeRateLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterEach(async () => h.app.close());

  const badRequests: { url: string; payload: unknown; field: string; reason: RegExp }[] = [
    { url: '/api/alarms/ack', payload: {}, field: 'alarmId', reason: /is required/ },
    { url: '/api/alarms/ack', payload: { alarmId: 'gas-1/lel1/hihi', user: 'mallory' }, field: 'user', reason: /is not allowed/ },
    { url: '/api/alarms/ack', payload: { alarmId: 'GAS 1' }, field: 'alarmId', reason: /must match pattern/ },
    {
      url: '/api/alarms/ack',
      payload: { alarmId: 'gas-1/lel1/hihi', comment: 'x'.repeat(501) },
      field: 'comment',
      reason: /500 characters/,
    },
    { url: '/api/alarms/ack', payload: { alarmId: 42 }, field: 'alarmId', reason: /must be string/ },
    { url: '/api/alarms/shelve', payload: { alarmId: 'gas-1/lel1/hihi' }, field: 'durationMs', reason: /is required/ },
    {
      url: '/api/alarms/shelve',
      payload: { alarmId: 'gas-1/lel1/hihi', durationMs: '900000' },
      field: 'durationMs',
      reason: /must be integer/,
    },
    { url: '/api/alarms/shelve', payload: { alarmId: 'gas-1/lel1/hihi', durationMs: 1000 }, field: 'durationMs', reason: />= 60000/ },
    {
      url: '/api/alarms/shelve',
      payload: { alarmId: 'gas-1/lel1/hihi', durationMs: 90_000_000 },
      field: 'durationMs',
      reason: /<= 86400000/,
    },
    { url: '/api/alarms/unshelve', payload: [], field: 'body', reason: /must be object/ },
  ];
  for (const { url, payload, field, reason } of badRequests) {
    it(`400 for ${url} ${JSON.stringify(payload).slice(0, 60)}: field ${field}`, async () => {
      const res = await post(h, url, payload);
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json();
      assert.equal(body.code, 'LL_ERR_HTTP_BAD_REQUEST');
      assert.equal(body.field, field);
      assert.match(body.reason, reason);
      assert.equal(h.control.ack.callCount + h.control.shelve.callCount + h.control.unshelve.callCount, 0, 'nothing reached the engine');
    });
  }

  it('400 for a body that is not JSON', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/alarms/ack',
      headers: { ...auth('operator'), 'content-type': 'application/json' },
      payload: '{"alarmId": ',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'LL_ERR_HTTP_BAD_REQUEST');
    assert.equal(res.json().field, 'body');
  });

  it('shelves for the given duration with the operator and unshelves', async () => {
    const res = await post(h, '/api/alarms/shelve', { alarmId: 'gas-1/lel2/hihi', durationMs: 3_600_000, comment: 'sensor swap' });
    assert.deepEqual(res.json(), { alarmId: 'gas-1/lel2/hihi', state: 'shelved' });
    assert.deepEqual(h.control.shelve.firstCall.args, ['gas-1/lel2/hihi', 3_600_000, { user: 'olga', comment: 'sensor swap' }]);
    const back = await post(h, '/api/alarms/unshelve', { alarmId: 'gas-1/lel2/hihi' });
    assert.equal(back.json().state, 'unacknowledged');
    assert.deepEqual(h.control.unshelve.firstCall.args, ['gas-1/lel2/hihi', { user: 'olga' }]);
  });

  it('404 for an alarm on a device or point the site does not have', async () => {
    for (const alarmId of ['gas-9/lel1/hihi', 'gas-1/nope/hihi']) {
      const res = await post(h, '/api/alarms/ack', { alarmId });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'LL_ERR_HTTP_NOT_FOUND');
    }
    assert.equal(h.control.ack.callCount, 0);
  });

  it('409 with the engine reason when the engine refuses', async () => {
    h.control.ack.returns({ ok: false, code: 'LL_ERR_ALARM_NOT_ACTIVE', reason: 'alarm gas-1/lel1/hihi is normal' });
    const res = await post(h, '/api/alarms/ack', { alarmId: 'gas-1/lel1/hihi' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'LL_ERR_HTTP_REFUSED');
    assert.equal(res.json().reason, 'alarm gas-1/lel1/hihi is normal');
    assert.equal(res.json().engineCode, 'LL_ERR_ALARM_NOT_ACTIVE');
  });

  it('changes limits as admin, all or none, and reports every reason', async () => {
    const changes = [{ device: 'gas-1', point: 'lel1', condition: 'hihi', value: 45 }];
    const ok = await h.app.inject({ method: 'PUT', url: '/api/limits', headers: auth('admin'), payload: { changes } });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(h.control.applyLimits.firstCall.args[0], changes);
    h.control.applyLimits.returns({ ok: false, reasons: ['hihi 45 must stay above hi 50', 'lel9 is unknown'] });
    const refused = await h.app.inject({ method: 'PUT', url: '/api/limits', headers: auth('admin'), payload: { changes } });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().field, 'changes');
    assert.deepEqual(refused.json().reasons, ['hihi 45 must stay above hi 50', 'lel9 is unknown']);
    const bad = await h.app.inject({
      method: 'PUT',
      url: '/api/limits',
      headers: auth('admin'),
      payload: { changes: [{ device: 'gas-1', point: 'lel1', condition: 'hihi', priority: 7 }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'changes.0.priority');
  });
});

describe('HTTP alarm routes without AlarmControl', () => {
  it('answers 503 for commands and limits until the engine is wired, and says so in /api/health', async () => {
    const h = await harness({}, { alarmControl: undefined });
    try {
      const res = await post(h, '/api/alarms/ack', { alarmId: 'gas-1/lel1/hihi' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().code, 'LL_ERR_HTTP_UNAVAILABLE');
      assert.equal((await h.app.inject({ url: '/api/limits' })).statusCode, 503);
      assert.equal((await h.app.inject({ url: '/api/health' })).json().features.alarmControl, false);
    } finally {
      await h.app.close();
    }
  });
});

describe('HTTP write rate limit', () => {
  it('answers 429 after http.writeRateLimit.max writes per window, per user', async () => {
    const h = await harness({ writeRateLimit: { max: 2, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await post(h, '/api/alarms/ack', { alarmId: 'gas-1/lel1/hihi' })).statusCode);
      assert.deepEqual(codes, [200, 200, 429]);
      const limited = await post(h, '/api/alarms/ack', { alarmId: 'gas-1/lel1/hihi' });
      assert.equal(limited.json().code, 'LL_ERR_HTTP_RATE_LIMITED');
      assert.ok(Number(limited.headers['retry-after']) > 0);
      // Another user has a budget of their own; reads are never limited.
      assert.equal((await post(h, '/api/alarms/ack', { alarmId: 'gas-1/lel1/hihi' }, 'admin')).statusCode, 200);
      for (let i = 0; i < 5; i++) assert.equal((await h.app.inject({ url: '/api/alarms', headers: auth('operator') })).statusCode, 200);
    } finally {
      await h.app.close();
    }
  });
});

describe('HTTP alarm lists', () => {
  it('lists active alarms and the journal of published alarm events, newest first', async () => {
    const h = await harness();
    try {
      h.alarms.push(transition());
      const active = await h.app.inject({ url: '/api/alarms' });
      assert.equal(active.json()[0].alarmId, 'gas-1/lel1/hihi');
      const event = (e: string, seq: number, alarmId = 'gas-1/lel1/hihi'): AlarmEvent => ({
        ...transition({ event: e as AlarmEvent['event'], alarmId, eventId: `${alarmId}#${seq}@test`, colour: colourOf(1) }),
        site: 'test-site',
        gateway: 'gw-test',
        publishedAt: new Date().toISOString(),
        seq,
        bootId: 'boot-1',
      });
      // As the gateway journals them: saved pending by the engine, then recorded as published.
      for (const e of [event('raise', 1), event('raise', 2, 'gas-1/lel2/hihi'), event('ack', 3)]) {
        const { site: _s, gateway: _g, bootId: _b, seq: _q, publishedAt: _p, ...audit } = e;
        h.journal.save({ alarmId: e.alarmId, conditionActive: true, lifecycle: NORMAL_LIFECYCLE, lastValue: 0, lastSourceTs: 0 }, audit);
        h.journal.recordPublished(e);
      }
      const all = (await h.app.inject({ url: '/api/alarms/history' })).json() as AlarmEvent[];
      assert.deepEqual(
        all.map((e) => e.seq),
        [3, 2, 1],
      );
      const one = (await h.app.inject({ url: '/api/alarms/history?alarmId=gas-1/lel1/hihi&limit=1' })).json() as AlarmEvent[];
      assert.deepEqual(
        one.map((e) => e.event),
        ['ack'],
      );
      const bad = await h.app.inject({ url: '/api/alarms/history?limit=0' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().field, 'limit');
    } finally {
      await h.app.close();
    }
  });
});
