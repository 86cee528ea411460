import assert from 'node:assert/strict';
import type { TelemetryBatch } from '@lifeline/twin';
import sinon from 'sinon';
import type { Reading } from '../../../core/src/reading.js';
import { systemClock } from '../../../core/src/time/clock.js';
import { alarmToLine, batchToLines } from '../../../gateway/src/sinks/line-protocol.js';
import { changedValue, type LastReported, shouldReport } from '../../../gateway/src/telemetry/report-by-exception.js';
import { TelemetryReporter } from '../../../gateway/src/telemetry/telemetry-reporter.js';

const reading = (value: number | boolean | undefined, quality: Reading['quality'] = 'good', sourceTs = 0): Reading => ({
  device: 'd',
  point: 'p',
  ...(value !== undefined ? { value } : {}),
  quality,
  sourceTs,
  rxTs: sourceTs,
});

describe('telemetry report-by-exception', () => {
  const policy = { deadband: 0.5, maxSilenceMs: 10_000 };
  const last = (value: number | boolean | undefined, quality: Reading['quality'] = 'good', at = 0): LastReported => ({
    value,
    quality,
    at,
  });
  const rows: { what: string; last: LastReported | undefined; reading: Reading; now: number; report: boolean }[] = [
    { what: 'first reading', last: undefined, reading: reading(1), now: 0, report: true },
    { what: 'inside the deadband', last: last(1), reading: reading(1.4), now: 100, report: false },
    { what: 'at the deadband', last: last(1), reading: reading(1.5), now: 100, report: true },
    { what: 'below by the deadband', last: last(1), reading: reading(0.4), now: 100, report: true },
    { what: 'quality change', last: last(1), reading: reading(1, 'uncertain'), now: 100, report: true },
    { what: 'bad with no value, unchanged', last: last(undefined, 'bad'), reading: reading(undefined, 'bad'), now: 100, report: false },
    { what: 'boolean flip', last: last(false), reading: reading(true), now: 100, report: true },
    { what: 'boolean same', last: last(true), reading: reading(true), now: 100, report: false },
    { what: 'max-silence heartbeat', last: last(1), reading: reading(1), now: 10_000, report: true },
    { what: 'just before the heartbeat', last: last(1), reading: reading(1), now: 9_999, report: false },
  ];
  for (const row of rows) {
    it(`${row.what} → ${row.report ? 'report' : 'hold'}`, () => {
      assert.equal(shouldReport(row.last, row.reading, row.now, policy), row.report);
    });
  }

  it('deadband 0 reports every change and nothing unchanged', () => {
    const p = { deadband: 0, maxSilenceMs: 10_000 };
    assert.equal(shouldReport(last(1), reading(1.000001), 1, p), true);
    assert.equal(shouldReport(last(1), reading(1), 1, p), false);
  });

  it('changedValue is the same rule without the heartbeat (the twin’s): only the value, quality and reason count', () => {
    for (const row of rows.filter((r) => r.last !== undefined)) {
      const silent = { ...policy, maxSilenceMs: Number.POSITIVE_INFINITY };
      assert.equal(
        changedValue(row.last as LastReported, row.reading, policy),
        shouldReport(row.last, row.reading, row.now, silent),
        row.what,
      );
    }
    const twin = { ...policy, reasonChanges: true };
    assert.equal(changedValue({ quality: 'bad', reason: 'timeout' }, { quality: 'bad', reason: 'exception 2' }, twin), true);
    assert.equal(changedValue({ quality: 'bad', reason: 'timeout' }, { quality: 'bad', reason: 'exception 2' }, policy), false);
  });
});

describe('telemetry batches', () => {
  let clock: sinon.SinonFakeTimers;
  let batches: TelemetryBatch[];
  let reporter: TelemetryReporter;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    batches = [];
    reporter = new TelemetryReporter(
      { bootId: 'b', deadband: 0, maxSilenceMs: 60_000, batchIntervalMs: 1000, batchMaxReadings: 3, unitOf: () => '%LEL' },
      systemClock,
      (b) => batches.push(b),
    );
  });

  afterEach(() => {
    reporter.stop();
    clock.restore();
  });

  const at = (device: string, value: number): Reading => ({
    device,
    point: 'p',
    value,
    quality: 'good',
    sourceTs: Date.now(),
    rxTs: Date.now(),
  });

  it('closes a batch after batchIntervalMs with {bootId, seq, ts, readings}', () => {
    reporter.offer([at('a', 1), at('b', 2)]);
    clock.tick(999);
    assert.equal(batches.length, 0);
    clock.tick(1);
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0], {
      bootId: 'b',
      seq: 1,
      ts: '2026-01-01T00:00:01.000Z',
      readings: [
        { device: 'a', point: 'p', value: 1, unit: '%LEL', quality: 'good', sourceTs: '2026-01-01T00:00:00.000Z' },
        { device: 'b', point: 'p', value: 2, unit: '%LEL', quality: 'good', sourceTs: '2026-01-01T00:00:00.000Z' },
      ],
    });
  });

  it('closes a full batch at once and numbers batches per boot', () => {
    reporter.offer([at('a', 1), at('b', 1), at('c', 1), at('d', 1)]);
    assert.equal(batches.length, 1);
    assert.equal(batches[0]?.readings.length, 3);
    clock.tick(1000);
    assert.deepEqual(
      batches.map((b) => [b.seq, b.readings.length]),
      [
        [1, 3],
        [2, 1],
      ],
    );
  });

  it('sends nothing for unchanged values, and flushes what is open on stop', () => {
    reporter.offer([at('a', 1)]);
    clock.tick(1000);
    reporter.offer([at('a', 1)]);
    clock.tick(1000);
    assert.equal(batches.length, 1);
    reporter.offer([at('a', 2)]);
    reporter.stop();
    assert.equal(batches.length, 2);
  });
});

describe('InfluxDB line protocol', () => {
  it('tags site, gateway, device, point, unit; fields value and quality; ms timestamps; escapes', () => {
    const lines = batchToLines(
      {
        bootId: 'b',
        seq: 1,
        ts: '2026-01-01T00:00:00Z',
        readings: [
          { device: 'gas 1', point: 'lel,1', value: 12.5, unit: '%LEL', quality: 'good', sourceTs: '2026-01-01T00:00:00.123Z' },
          { device: 'd', point: 'door', value: true, unit: '', quality: 'uncertain', sourceTs: '2026-01-01T00:00:01Z' },
          { device: 'd', point: 'x', value: null, unit: 'm', quality: 'bad', reason: 'timeout', sourceTs: '2026-01-01T00:00:02Z' },
        ],
      },
      { site: 's', gateway: 'g=1' },
    );
    assert.deepEqual(lines, [
      'reading,site=s,gateway=g\\=1,device=gas\\ 1,point=lel\\,1,unit=%LEL value=12.5,quality="good" 1767225600123',
      'reading,site=s,gateway=g\\=1,device=d,point=door value=1,quality="uncertain" 1767225601000',
      'reading,site=s,gateway=g\\=1,device=d,point=x,unit=m quality="bad" 1767225602000',
    ]);
  });

  it('writes an alarm event as one alarm point at detectedAt: condition and priority tags, the lifecycle in fields', () => {
    const line = alarmToLine(
      {
        event: 'ack',
        alarmId: 'gas-1/lel1/hihi',
        eventId: 'gas-1/lel1/hihi#2@test',
        site: 's',
        gateway: 'g',
        device: 'gas-1',
        point: 'lel1',
        condition: 'hihi',
        priority: 1,
        colour: 'red',
        state: 'acknowledged',
        value: 60,
        limit: 50,
        hysteresis: 2,
        unit: '%LEL',
        sourceTs: '2026-01-01T00:00:00.100Z',
        detectedAt: '2026-01-01T00:00:00.123Z',
        publishedAt: '2026-01-01T00:00:00.124Z',
        seq: 7,
        bootId: 'b',
        user: 'li "wei"',
      },
      { site: 's', gateway: 'g' },
    );
    assert.equal(
      line,
      'alarm,site=s,gateway=g,device=gas-1,point=lel1,condition=hihi,priority=1 event="ack",state="acknowledged",value=60,limit=50,seq=7i,user="li \\"wei\\"" 1767225600123',
    );
  });
});
