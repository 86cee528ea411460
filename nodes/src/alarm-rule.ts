import type { AlarmRule } from './alarm-evaluator.js';
import type { NodeConfigReader } from './node-config.js';
import type { NodeDef } from './red-api.js';

export const ALARM_CONDITIONS_FOR_NODE = ['hihi', 'hi', 'lo', 'lolo'] as const;

export interface AlarmNodeDef extends NodeDef {
  readonly condition?: string;
  readonly limit?: string | number;
  readonly hysteresis?: string | number;
  readonly onDelayMs?: string | number;
  readonly offDelayMs?: string | number;
  readonly priority?: string | number;
  readonly unit?: string;
  readonly device?: string;
  readonly point?: string;
}

/** Same ranges as a profile limit (core/src/config/profile-schema.ts): delays 0…1 h, hysteresis ≥ 0, priority 1…4. */
export function readAlarmRule(config: NodeConfigReader): AlarmRule {
  const priority = config.number('priority', 1, { min: 1, max: 4, integer: true }) as AlarmRule['priority'];
  return {
    condition: config.oneOf('condition', ALARM_CONDITIONS_FOR_NODE, 'hi'),
    value: config.number('limit', Number.NaN),
    hysteresis: config.number('hysteresis', 0, { min: 0 }),
    onDelayMs: config.number('onDelayMs', 0, { min: 0, max: 3_600_000, integer: true }),
    offDelayMs: config.number('offDelayMs', 0, { min: 0, max: 3_600_000, integer: true }),
    priority,
    unit: config.string('unit'),
  };
}
