import { type AlarmEvent, limitsVersionOf, ReportedTwin, type TwinReported } from '@lifeline/twin';

export const reported = (): TwinReported => ({
  gateway: { softwareVersion: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', configVersion: 'c', devicesOnline: 1, devicesTotal: 1 },
  devices: {},
  limits: {},
  limitsVersion: limitsVersionOf({}),
  alarms: {},
  alarmSeq: 0,
});

export const newTwin = (bootId = 'b1', site = 's1', gateway = 'g1') => new ReportedTwin({ site, gateway, bootId }, reported());

export const alarm = (seq: number, state: AlarmEvent['state'], bootId = 'b1', site = 's1', gateway = 'g1'): AlarmEvent => ({
  event: state === 'normal' ? 'clear' : 'raise',
  alarmId: 'd1/p1/hihi',
  // One event per (boot, seq) in these fixtures: the id follows them (event-id.ts form).
  eventId: `d1/p1/hihi#${seq}@${bootId}`,
  site,
  gateway,
  device: 'd1',
  point: 'p1',
  condition: 'hihi',
  priority: 1,
  colour: 'red',
  state,
  value: 60,
  limit: 50,
  hysteresis: 2,
  unit: '%LEL',
  sourceTs: '2026-01-01T00:00:01.000Z',
  detectedAt: '2026-01-01T00:00:01.000Z',
  publishedAt: '2026-01-01T00:00:01.000Z',
  seq,
  bootId,
});

export const status = (online: boolean, ts = '2026-01-01T00:00:00.000Z', bootId = 'b1') => ({ online, bootId, ts, version: '0.1.0' });
