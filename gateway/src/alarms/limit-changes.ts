import { conditionProblem, type DeviceConfig, LIMIT_CONDITIONS, type LimitCondition } from '@lifeline/core';
import type { LimitChange } from './alarm-control.js';
import type { AlarmSlot } from './alarm-slot.js';
import type { ConditionLimit } from './measure.js';

/**
 * Run-time limit changes (from the centre's desired twin state or the HTTP
 * API) are checked as a whole before any applies: the same rules as the
 * config loader, with every reason reported.
 */
export function checkLimitChanges(
  changes: readonly LimitChange[],
  devices: ReadonlyMap<string, DeviceConfig>,
  slotOf: (alarmId: string) => AlarmSlot | undefined,
): string[] {
  const reasons: string[] = [];
  const after = new Map<string, ConditionLimit & { enabled: boolean }>();
  for (const [i, change] of changes.entries()) {
    const at = `changes[${i}] ${change.device}/${change.point}/${change.condition}`;
    const point = devices.get(change.device)?.points.find((p) => p.id === change.point);
    if (!point) {
      reasons.push(`${at}: no such device point`);
      continue;
    }
    if (!(LIMIT_CONDITIONS as readonly string[]).includes(change.condition)) {
      reasons.push(`${at}: condition must be one of ${LIMIT_CONDITIONS.join(', ')}`);
      continue;
    }
    const id = `${change.device}/${change.point}/${change.condition}`;
    const current = after.get(id) ?? slotOf(id)?.limit;
    if (!current && (change.value === undefined || change.priority === undefined)) {
      reasons.push(`${at}: a new condition needs value and priority`);
      continue;
    }
    reasons.push(...fieldProblems(change).map((p) => `${at}: ${p}`));
    const next = applyLimitChange(current, change);
    const problem = conditionProblem(point, next.condition, next.value);
    if (problem) reasons.push(`${at}: ${problem[0]}`);
    after.set(id, next);
  }
  reasons.push(...orderProblems(after, slotOf));
  return reasons;
}

export function applyLimitChange(
  current: (ConditionLimit & { enabled: boolean }) | undefined,
  c: LimitChange,
): ConditionLimit & { enabled: boolean } {
  return {
    condition: c.condition,
    value: c.value ?? current?.value ?? 0,
    hysteresis: c.hysteresis ?? current?.hysteresis ?? 0,
    priority: c.priority ?? current?.priority ?? 1,
    onDelayMs: c.onDelayMs ?? current?.onDelayMs ?? 0,
    offDelayMs: c.offDelayMs ?? current?.offDelayMs ?? 0,
    onSamples: current?.onSamples ?? 1,
    offSamples: current?.offSamples ?? 1,
    enabled: c.enabled ?? current?.enabled ?? true,
    ...(current?.basis !== undefined ? { basis: current.basis } : {}),
  };
}

function fieldProblems(c: LimitChange): string[] {
  const problems: string[] = [];
  if (c.value !== undefined && !Number.isFinite(c.value)) problems.push('value must be a finite number');
  if (c.hysteresis !== undefined && !(Number.isFinite(c.hysteresis) && c.hysteresis >= 0)) problems.push('hysteresis must be ≥ 0');
  if (c.priority !== undefined && ![1, 2, 3, 4].includes(c.priority)) problems.push('priority must be 1, 2, 3 or 4');
  for (const key of ['onDelayMs', 'offDelayMs'] as const) {
    const v = c[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 3_600_000)) problems.push(`${key} must be an integer 0…3600000`);
  }
  return problems;
}

/** hihi > hi > lo > lolo among the enabled limits of each point, after the changes. */
function orderProblems(
  after: ReadonlyMap<string, ConditionLimit & { enabled: boolean }>,
  slotOf: (id: string) => AlarmSlot | undefined,
): string[] {
  const problems: string[] = [];
  const points = new Set([...after.keys()].map((id) => id.slice(0, id.lastIndexOf('/'))));
  const order: LimitCondition[] = ['hihi', 'hi', 'lo', 'lolo'];
  for (const point of points) {
    const values = order.flatMap((c) => {
      const l = after.get(`${point}/${c}`) ?? slotOf(`${point}/${c}`)?.limit;
      return l?.enabled ? [{ c, v: l.value }] : [];
    });
    for (let i = 1; i < values.length; i++) {
      const upper = values[i - 1];
      const lower = values[i];
      if (upper && lower && upper.v <= lower.v) problems.push(`${point}: ${lower.c} (${lower.v}) must be below ${upper.c} (${upper.v})`);
    }
  }
  return problems;
}
