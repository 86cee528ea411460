import assert from 'node:assert/strict';
import { NORMAL_LIFECYCLE } from '../../../core/src/alarms/lifecycle.js';
import { openAlarmJournalReader, type SqliteAlarmJournalReader } from '../../../gateway/src/alarms/alarm-journal-reader.js';
import type { AlarmTransition } from '../../../gateway/src/alarms/alarm-transition.js';
import { openAlarmStore, type SqliteAlarmStateStore } from '../../../gateway/src/alarms/sqlite-alarm-state-store.js';
import { csvCell } from '../../../gateway/src/http/export/csv.js';
import { tempStateDir } from '../../support/state-dir.js';
import { auth, type Harness, harness, transition } from './http-fake-view.js';

/** Journals `t` as the engine does: state and audit record in one save. */
function journal(store: SqliteAlarmStateStore, t: AlarmTransition): void {
  store.save({ alarmId: t.alarmId, conditionActive: true, lifecycle: NORMAL_LIFECYCLE, lastValue: t.value, lastSourceTs: 0 }, t);
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 8, minute)).toISOString();

describe('HTTP alarm journal (GET /api/alarms/journal)', () => {
  let h: Harness;
  let store: SqliteAlarmStateStore;
  let reader: SqliteAlarmJournalReader;
  const get = (url: string, headers: Record<string, string> = auth('viewer')) => h.app.inject({ method: 'GET', url, headers });

  beforeEach(async () => {
    const dir = tempStateDir();
    store = openAlarmStore(dir);
    journal(store, transition({ detectedAt: at(1), value: 62.5 }));
    journal(
      store,
      transition({ event: 'ack', state: 'acknowledged', detectedAt: at(2), user: 'olga', comment: 'crew sent, "valve 3", shut' }),
    );
    journal(
      store,
      transition({ alarmId: 'gas-1/lel2/hi', point: 'lel2', condition: 'hi', priority: 3, colour: 'yellow', detectedAt: at(3), value: 30 }),
    );
    journal(store, transition({ event: 'clear', state: 'normal', detectedAt: at(4), value: 10 }));
    journal(store, transition({ detectedAt: at(5), value: 55, comment: '=HYPERLINK("http://evil")' }));
    reader = openAlarmJournalReader(dir);
    h = await harness({ anonymous: 'none' }, { alarmJournalQuery: reader });
  });
  afterEach(async () => {
    await h.app.close();
    reader.close();
    store.close();
  });

  it('lists the journal newest first, each entry with its id', async () => {
    const res = await get('/api/alarms/journal');
    assert.equal(res.statusCode, 200, res.body);
    const { entries, nextCursor } = res.json();
    assert.deepEqual(
      entries.map((e: AlarmTransition) => e.detectedAt),
      [at(5), at(4), at(3), at(2), at(1)],
    );
    assert.equal(nextCursor, undefined);
    assert.ok(entries.every((e: { id: unknown }) => Number.isInteger(e.id)));
  });

  const filters: { query: string; expected: string[] }[] = [
    { query: 'device=gas-1', expected: [at(5), at(4), at(3), at(2), at(1)] },
    { query: 'device=gas-2', expected: [] },
    { query: 'point=lel2', expected: [at(3)] },
    { query: 'priority=3', expected: [at(3)] },
    { query: 'priority=1,2', expected: [at(5), at(4), at(2), at(1)] },
    { query: 'state=acknowledged', expected: [at(2)] },
    { query: 'event=clear', expected: [at(4)] },
    { query: `from=${at(2)}&to=${at(4)}`, expected: [at(4), at(3), at(2)] },
    { query: 'q=VALVE', expected: [at(2)] },
    { query: 'q=100%25', expected: [] },
  ];
  for (const { query, expected } of filters) {
    it(`filters by ${query}`, async () => {
      const res = await get(`/api/alarms/journal?${query}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(
        res.json().entries.map((e: AlarmTransition) => e.detectedAt),
        expected,
      );
    });
  }

  it('pages by cursor without gaps or repeats', async () => {
    const first = await get('/api/alarms/journal?limit=2');
    assert.equal(first.headers['x-next-cursor'], String(first.json().nextCursor));
    const second = await get(`/api/alarms/journal?limit=2&cursor=${first.json().nextCursor}`);
    const third = await get(`/api/alarms/journal?limit=2&cursor=${second.json().nextCursor}`);
    const all = [...first.json().entries, ...second.json().entries, ...third.json().entries].map((e) => e.detectedAt);
    assert.deepEqual(all, [at(5), at(4), at(3), at(2), at(1)]);
    assert.equal(third.json().nextCursor, undefined);
  });

  it('exports CSV by format=csv and by Accept: text/csv, quoting and defusing formulas', async () => {
    for (const res of [
      await get('/api/alarms/journal?format=csv'),
      await get('/api/alarms/journal', { ...auth('viewer'), accept: 'text/csv' }),
    ]) {
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.match(String(res.headers['content-disposition']), /attachment; filename="alarm-journal-/);
      const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
      assert.match(lines[0] as string, /^detectedAt,event,state,priority,alarmId,/);
      assert.equal(lines.length, 7, 'header, 5 rows, final CRLF');
      assert.ok(
        lines.some((l) => l.includes('"crew sent, ""valve 3"", shut"')),
        'quotes doubled, comma quoted',
      );
      assert.ok(
        lines.some((l) => l.includes(`"'=HYPERLINK(""http://evil"")"`)),
        'formula defused',
      );
    }
  });

  it('escapes every CSV special case', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell(-5), '-5');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell('可燃气体'), '可燃气体');
  });

  const bounds: { query: string; field: string }[] = [
    { query: 'limit=0', field: 'limit' },
    { query: 'limit=1001', field: 'limit' },
    { query: 'limit=10001&format=csv', field: 'limit' },
    { query: 'priority=5', field: 'priority' },
    { query: 'state=burning', field: 'state' },
    { query: 'from=yesterday', field: 'from' },
    { query: 'to=2026-13-45', field: 'to' },
    { query: `q=${'x'.repeat(101)}`, field: 'q' },
    { query: 'device=GAS%201', field: 'device' },
    { query: 'cursor=0', field: 'cursor' },
    { query: 'sort=asc', field: 'sort' },
  ];
  for (const { query, field } of bounds) {
    it(`400 for ${query.slice(0, 40)}`, async () => {
      const res = await get(`/api/alarms/journal?${query}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'LL_ERR_HTTP_BAD_REQUEST');
      assert.equal(res.json().field, field);
    });
  }

  it('a CSV page may be larger than a JSON page', async () => {
    const res = await get('/api/alarms/journal?limit=5000&format=csv');
    assert.equal(res.statusCode, 200, res.body);
  });

  it('401 without a token, 200 for a viewer', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/alarms/journal' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'LL_ERR_HTTP_UNAUTHORIZED');
    assert.equal((await get('/api/alarms/journal', auth('viewer'))).statusCode, 200);
  });

  it('gives each active alarm its raise and ack facts', () => {
    journal(store, transition({ event: 'ack', state: 'acknowledged', detectedAt: at(6), user: 'olga', comment: 'on site' }));
    assert.deepEqual(reader.facts(['gas-1/lel1/hihi', 'gas-1/lel2/hi', 'gas-1/none/hi']), {
      'gas-1/lel1/hihi': { raisedAt: at(5), raiseValue: 55, ack: { at: at(6), user: 'olga', comment: 'on site' } },
      'gas-1/lel2/hi': { raisedAt: at(3), raiseValue: 30 },
      'gas-1/none/hi': {},
    });
  });
});

describe('HTTP alarm journal without a reader', () => {
  it('answers 503', async () => {
    const h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/api/alarms/journal' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'LL_ERR_HTTP_UNAVAILABLE');
    await h.app.close();
  });
});

describe('HTTP shelve comment policy (alarms.shelveCommentUpTo)', () => {
  it('refuses shelving a priority 1 alarm without a comment, accepts with one or for priority 3', async () => {
    const h = await harness({ writeRateLimit: { max: 1000, windowMs: 60_000 } });
    h.alarms.push(transition(), transition({ alarmId: 'gas-1/lel2/hi', point: 'lel2', condition: 'hi', priority: 3, colour: 'yellow' }));
    const shelve = (payload: Record<string, unknown>) =>
      h.app.inject({ method: 'POST', url: '/api/alarms/shelve', headers: auth('operator'), payload });
    const refused = await shelve({ alarmId: 'gas-1/lel1/hihi', durationMs: 900_000, comment: '  ' });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(refused.json().field, 'comment');
    assert.match(refused.json().reason, /priority 1/);
    assert.equal(h.control.shelve.callCount, 0);
    assert.equal((await shelve({ alarmId: 'gas-1/lel1/hihi', durationMs: 900_000, comment: 'detector swap' })).statusCode, 200);
    assert.equal((await shelve({ alarmId: 'gas-1/lel2/hi', durationMs: 900_000 })).statusCode, 200);
    await h.app.close();
  });
});
