import type { LimitCondition } from '@lifeline/core';
import type { AlarmState, Priority } from '@lifeline/twin';

/**
 * What operators and the centre may do to alarms. Implemented by the alarm
 * engine; used by the HTTP API, MQTT commands (`cmd/ack`, `cmd/shelve`) and
 * the twin's desired state. Every accepted command also publishes its
 * lifecycle event on the alarms topic.
 */
export interface AlarmControl {
  ack(alarmId: string, by: Operator): AlarmCommandResult;
  /** Shelves an alarm for `durationMs` (ISA-18.2 timed shelving); it unshelves itself at expiry. */
  shelve(alarmId: string, durationMs: number, by: Operator): AlarmCommandResult;
  unshelve(alarmId: string, by: Operator): AlarmCommandResult;
  /** Validates every change first, then applies all of them or none, without a restart. */
  applyLimits(changes: readonly LimitChange[]): LimitChangeResult;
  /** The limits in force, for the twin's reported state. */
  limits(): readonly ActiveLimit[];
}

export interface Operator {
  readonly user: string;
  readonly comment?: string;
}

export type AlarmCommandResult =
  | { readonly ok: true; readonly alarmId: string; readonly state: AlarmState }
  | { readonly ok: false; readonly code: string; readonly reason: string };

export interface LimitChange {
  readonly device: string;
  readonly point: string;
  readonly condition: LimitCondition;
  readonly value?: number;
  readonly hysteresis?: number;
  readonly priority?: Priority;
  readonly onDelayMs?: number;
  readonly offDelayMs?: number;
  readonly enabled?: boolean;
}

export type LimitChangeResult = { readonly ok: true } | { readonly ok: false; readonly reasons: readonly string[] };

export interface ActiveLimit {
  readonly device: string;
  readonly point: string;
  readonly condition: LimitCondition;
  readonly value: number;
  readonly hysteresis: number;
  readonly priority: Priority;
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly enabled: boolean;
}
