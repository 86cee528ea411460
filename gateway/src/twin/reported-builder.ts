import { createHash } from 'node:crypto';
import type { IsoMemo, Reading, SiteConfig } from '@lifeline/core';
import {
  type AlarmEvent,
  type AlarmState,
  limitsVersionOf,
  type ReportedTwin,
  type TwinAnalytics,
  type TwinDeviceHealth,
  type TwinLimit,
  type TwinPoint,
  type TwinReported,
  twinAlarmOf,
} from '@lifeline/twin';
import type { CommState } from '../acquisition/comm-state.js';
import type { DeviceHealth } from '../acquisition/device-health.js';
import type { ActiveLimit } from '../alarms/alarm-control.js';
import { changedValue, TWIN_EXCEPTIONS } from '../telemetry/report-by-exception.js';

/**
 * Pure helpers that turn what the gateway knows (config, readings, comm
 * states, alarm events, limits in force) into the reported twin
 * (twin/src/twin-document.ts). Each writes only the members that changed, so
 * the coalesced patch stays small.
 */
export function initialReported(
  config: SiteConfig,
  limits: readonly ActiveLimit[],
  softwareVersion: string,
  startedAt: number,
): TwinReported {
  const twinLimits = limitsRecord(limits);
  return {
    gateway: {
      softwareVersion,
      startedAt: new Date(startedAt).toISOString(),
      configVersion: configVersionOf(config),
      devicesOnline: 0,
      devicesTotal: config.devices.length,
    },
    devices: Object.fromEntries(
      config.devices.map((d) => [
        d.id,
        {
          name: d.name,
          profile: d.profile.id,
          comm: 'connecting' as const,
          points: Object.fromEntries(
            d.points.map((p): [string, TwinPoint] => [
              p.id,
              { quality: 'uncertain', reason: 'not read yet', unit: p.unit, alarm: 'normal' },
            ]),
          ),
        },
      ]),
    ),
    limits: twinLimits,
    limitsVersion: limitsVersionOf(twinLimits),
    alarms: {},
    alarmSeq: 0,
  };
}

/** The limits of a site as the config sets them, for a gateway whose engine offers no AlarmControl. */
export function configuredLimits(config: SiteConfig): ActiveLimit[] {
  return config.devices.flatMap((d) =>
    d.points.flatMap((p) =>
      p.limits.map((l) => ({
        device: d.id,
        point: p.id,
        condition: l.condition,
        value: l.value,
        hysteresis: l.hysteresis,
        priority: l.priority,
        onDelayMs: l.onDelayMs,
        offDelayMs: l.offDelayMs,
        enabled: true,
      })),
    ),
  );
}

export function limitsRecord(limits: readonly ActiveLimit[]): Record<string, TwinLimit> {
  return Object.fromEntries(
    limits.map((l) => [
      `${l.device}/${l.point}/${l.condition}`,
      {
        value: l.value,
        hysteresis: l.hysteresis,
        priority: l.priority,
        onDelayMs: l.onDelayMs,
        offDelayMs: l.offDelayMs,
        enabled: l.enabled,
      },
    ]),
  );
}

export function setLimits(twin: ReportedTwin, limits: readonly ActiveLimit[]): void {
  const record = limitsRecord(limits);
  twin.set(['limits'], record);
  twin.set(['limitsVersion'], limitsVersionOf(record));
}

/**
 * Report by exception (TWIN_EXCEPTIONS): a point changes in the twin only when its value, quality or reason does.
 * On the hot path of every poll: an unchanged reading allocates nothing; `iso` formats the batch's sample time once.
 */
export function applyReadings(twin: ReportedTwin, readings: readonly Reading[], iso: IsoMemo): void {
  const devices = twin.reported.devices;
  for (const r of readings) {
    const before = devices[r.device]?.points[r.point];
    if (before) applyReading(twin, r, before, iso);
  }
}

function applyReading(twin: ReportedTwin, r: Reading, before: TwinPoint, iso: IsoMemo): void {
  // JSON has no NaN or Infinity: the twin shows such a value as absent.
  const finite = typeof r.value !== 'number' || Number.isFinite(r.value);
  const value = finite ? r.value : undefined;
  // The twin keeps no report times and has no heartbeat: only a change counts. The reading itself is the candidate
  // unless its value is not finite (no object per reading).
  if (!changedValue(before, finite ? r : { quality: r.quality, reason: r.reason }, TWIN_EXCEPTIONS)) return;
  // Members in the schema's order, absent ones left out (no spreads of temporary objects).
  const next: { -readonly [K in keyof TwinPoint]?: TwinPoint[K] } =
    value !== undefined ? { value, quality: r.quality } : { quality: r.quality };
  if (r.reason !== undefined) next.reason = r.reason;
  next.unit = before.unit;
  next.ts = iso.of(r.sourceTs);
  next.alarm = before.alarm;
  twin.set(['devices', r.device, 'points', r.point], next as unknown as Parameters<ReportedTwin['set']>[1]);
}

export function applyComm(twin: ReportedTwin, device: string, state: CommState, reason: string | undefined): void {
  if (twin.get(['devices', device]) === undefined) return;
  const wasOnline = twin.get(['devices', device, 'comm']) === 'online';
  twin.set(['devices', device, 'comm'], state);
  twin.set(['devices', device, 'commReason'], reason);
  // Counted by the change, not by a pass over every device: a large site has thousands of comm events at start.
  const delta = Number(state === 'online') - Number(wasOnline);
  if (delta !== 0) twin.set(['gateway', 'devicesOnline'], (twin.get(['gateway', 'devicesOnline']) as number) + delta);
}

/** Acquisition counters per device: refreshed on a timer, since they change on every poll. */
export function applyHealth(twin: ReportedTwin, health: readonly DeviceHealth[]): void {
  for (const h of health) {
    if (twin.get(['devices', h.device]) === undefined) continue;
    const { latency } = h;
    const value: TwinDeviceHealth = {
      ...h.counters,
      breaker: h.breaker,
      ...(latency.count > 0 ? { latencyMeanMs: Math.round((latency.sumMs / latency.count) * 10) / 10 } : {}),
      ...(h.lastSuccessTs !== undefined ? { lastSuccessTs: new Date(h.lastSuccessTs).toISOString() } : {}),
    };
    twin.set(['devices', h.device, 'health'], value);
  }
}

/** Alarms not normal are listed; a point shows its most pressing alarm state. */
export function applyAlarm(twin: ReportedTwin, e: AlarmEvent): void {
  const alarm = twinAlarmOf(e);
  twin.set(['alarms', e.alarmId], e.state === 'normal' ? undefined : (alarm as unknown as Parameters<ReportedTwin['set']>[1]));
  if (e.seq > twin.reported.alarmSeq) twin.set(['alarmSeq'], e.seq);
  if (twin.get(['devices', e.device, 'points', e.point]) === undefined) return;
  const states = Object.values(twin.reported.alarms)
    .filter((a) => a.device === e.device && a.point === e.point)
    .map((a) => a.state);
  twin.set(['devices', e.device, 'points', e.point, 'alarm'], mostPressing(states));
}

/** The alarm analytics as they are now; ReportedTwin.set is a no-op when nothing changed (report by exception). */
export function applyAnalytics(twin: ReportedTwin, a: TwinAnalytics): void {
  twin.set(['analytics'], a as unknown as Parameters<ReportedTwin['set']>[1]);
}

/** What an operator must look at first: unacknowledged, then returned-unacknowledged, … (ISA-18.2 §5). */
const PRESSING: readonly AlarmState[] = [
  'unacknowledged',
  'returned-unacknowledged',
  'acknowledged',
  'shelved',
  'suppressed',
  'out-of-service',
  'normal',
];

export function mostPressing(states: readonly AlarmState[]): AlarmState {
  return PRESSING.find((s) => states.includes(s)) ?? 'normal';
}

/** A short hash of the running config, so the centre can tell which config each gateway runs. */
export function configVersionOf(config: SiteConfig): string {
  const { file: _file, ...content } = config;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}
