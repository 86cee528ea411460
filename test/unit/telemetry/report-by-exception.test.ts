import assert from 'node:assert/strict';
import {
  type ExceptionPolicy,
  type LastReported,
  type ReportedValue,
  shouldReport,
  TWIN_EXCEPTIONS,
} from '../../../gateway/src/telemetry/report-by-exception.js';

/** The one report-by-exception rule, under telemetry's policy and the twin's (the telemetry table is in telemetry.test.ts). */
describe('report-by-exception rule', () => {
  const telemetry: ExceptionPolicy = { deadband: 0.5, maxSilenceMs: 10_000 };
  const last = (value: ReportedValue['value'], quality: ReportedValue['quality'] = 'good', reason?: string, at = 0): LastReported => ({
    value,
    quality,
    reason,
    at,
  });
  const next = (value: ReportedValue['value'], quality: ReportedValue['quality'] = 'good', reason?: string): ReportedValue => ({
    value,
    quality,
    reason,
  });
  const rows: {
    what: string;
    policy: ExceptionPolicy;
    last: LastReported | undefined;
    next: ReportedValue;
    now: number;
    report: boolean;
  }[] = [
    {
      what: 'telemetry: a new reason alone',
      policy: telemetry,
      last: last(undefined, 'bad', 'timeout'),
      next: next(undefined, 'bad', 'refused'),
      now: 1,
      report: false,
    },
    { what: 'telemetry: mixed types', policy: telemetry, last: last(1), next: next(true), now: 1, report: true },
    {
      what: 'telemetry: NaN never passes the deadband',
      policy: telemetry,
      last: last(Number.NaN),
      next: next(Number.NaN),
      now: 1,
      report: false,
    },
    { what: 'twin: first value', policy: TWIN_EXCEPTIONS, last: undefined, next: next(1), now: 0, report: true },
    { what: 'twin: the smallest change', policy: TWIN_EXCEPTIONS, last: last(1), next: next(1 + Number.EPSILON), now: 0, report: true },
    { what: 'twin: unchanged', policy: TWIN_EXCEPTIONS, last: last(1), next: next(1), now: 0, report: false },
    {
      what: 'twin: a new reason alone',
      policy: TWIN_EXCEPTIONS,
      last: last(undefined, 'bad', 'timeout'),
      next: next(undefined, 'bad', 'refused'),
      now: 0,
      report: true,
    },
    {
      what: 'twin: the same reason',
      policy: TWIN_EXCEPTIONS,
      last: last(undefined, 'bad', 'timeout'),
      next: next(undefined, 'bad', 'timeout'),
      now: 0,
      report: false,
    },
    {
      what: 'twin: a value appearing',
      policy: TWIN_EXCEPTIONS,
      last: last(undefined, 'good'),
      next: next(0, 'good'),
      now: 0,
      report: true,
    },
    { what: 'twin: quality change', policy: TWIN_EXCEPTIONS, last: last(2, 'good'), next: next(2, 'uncertain'), now: 0, report: true },
    {
      what: 'twin: no heartbeat, however long',
      policy: TWIN_EXCEPTIONS,
      last: last(true),
      next: next(true),
      now: Number.MAX_SAFE_INTEGER,
      report: false,
    },
  ];
  for (const row of rows) {
    it(`${row.what} → ${row.report ? 'report' : 'hold'}`, () => {
      assert.equal(shouldReport(row.last, row.next, row.now, row.policy), row.report);
    });
  }
});
