import { type Static, Type } from '@sinclair/typebox';
import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import {
  type AlarmManagementConfig,
  AnalyticsSchema,
  AutoShelveSchema,
  resolveAlarmManagement,
  SuppressionSchema,
} from './schema-alarm-management.js';
import type { DeviceConfig, PointConfig } from './site-config.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Site-config keys of the alarm engine: local actions (DESIGN.md §5) and
 * engine options, with the checks a schema cannot express (targets exist and
 * are writable, trigger alarms exist, condition values make sense).
 */

/** An id: `title` says what it names, `description` its form (the loader's fix for a pattern error). */
const id = (title: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', title, description: 'lower-case letters, digits, - and _' });

const ActionWriteSchema = Type.Object(
  {
    device: id('the device to write to'),
    point: id('a writable point of that device'),
    value: Type.Union([Type.Boolean(), Type.Number()], { description: 'true/false for coils and bits, a number otherwise' }),
  },
  { additionalProperties: false },
);

export const ActionSchema = Type.Object(
  {
    id: id('action id, unique in the site'),
    when: Type.Object(
      {
        alarms: Type.Array(Type.String({ pattern: '^[^/]+/[^/]+/[a-z]+$', description: 'device/point/condition' }), {
          minItems: 1,
          description: 'alarm ids device/point/condition of enabled conditions',
        }),
        min: Type.Optional(
          Type.Integer({
            minimum: 1,
            description: 'how many of the alarms must be active (e.g. 2 = confirmed by two detectors); default all',
          }),
        ),
      },
      { additionalProperties: false, description: 'the trigger' },
    ),
    do: Type.Array(ActionWriteSchema, { minItems: 1, description: 'writes when the trigger starts to hold; each target must be writable' }),
    onClear: Type.Optional(
      Type.Array(ActionWriteSchema, { description: 'writes when the trigger stops holding (e.g. release a door hold)' }),
    ),
    priority: Type.Optional(
      Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)], {
        default: 1,
        description: 'priority of the …/action alarm raised when a write fails',
      }),
    ),
    retries: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 20,
        description: 'further tries of a write that failed with a transient error; default alarms.actionRetries',
      }),
    ),
    retryDelayMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 60_000, description: 'pause between tries, ms; default alarms.actionRetryDelayMs' }),
    ),
  },
  { additionalProperties: false },
);

export const AlarmOptionsSchema = Type.Object(
  {
    actionRetries: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 20, default: DEFAULTS.actionRetries, description: 'default retries of every action' }),
    ),
    actionRetryDelayMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 60_000, default: DEFAULTS.actionRetryDelayMs, description: 'default retryDelayMs, ms' }),
    ),
    historyRows: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 10_000_000,
        default: DEFAULTS.alarmHistoryRows,
        description: 'alarm audit records kept in <stateDir>/alarms.db, oldest dropped first',
      }),
    ),
    shelveCommentUpTo: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 4,
        default: DEFAULTS.shelveCommentUpTo,
        description:
          'shelving an alarm of this priority or a more urgent one (1 = I, red) needs a comment saying why; 0: never (ISA-18.2 §11.5)',
      }),
    ),
    analytics: Type.Optional(AnalyticsSchema),
    suppression: Type.Optional(Type.Array(SuppressionSchema, { description: 'design suppression rules (docs/alarms.md)' })),
    autoShelve: Type.Optional(AutoShelveSchema),
  },
  { additionalProperties: false },
);

type ActionInput = Static<typeof ActionSchema>;
type AlarmOptionsInput = Static<typeof AlarmOptionsSchema>;

export interface ActionWrite {
  readonly device: string;
  readonly point: string;
  readonly value: number | boolean;
}

export interface ActionConfig {
  readonly id: string;
  readonly alarms: readonly string[];
  readonly min: number;
  readonly do: readonly ActionWrite[];
  readonly onClear: readonly ActionWrite[];
  readonly priority: 1 | 2 | 3 | 4;
  readonly retries: number;
  readonly retryDelayMs: number;
}

export interface AlarmOptions extends AlarmManagementConfig {
  readonly historyRows: number;
  /** Shelving priority 1 … this one needs a comment; 0 never. */
  readonly shelveCommentUpTo: number;
}

/** Resolves `actions` and `alarms`, pushing located issues for every bad reference. */
export function resolveAlarmKeys(
  input: { actions?: ActionInput[]; alarms?: AlarmOptionsInput },
  devices: readonly DeviceConfig[],
  source: YamlSource,
  issues: ConfigIssue[],
): { actions: ActionConfig[]; alarms: AlarmOptions } {
  const opts = input.alarms ?? {};
  const retries = opts.actionRetries ?? DEFAULTS.actionRetries;
  const retryDelayMs = opts.actionRetryDelayMs ?? DEFAULTS.actionRetryDelayMs;
  const seen = new Set<string>();
  const actions = (input.actions ?? []).map((a, i): ActionConfig => {
    if (seen.has(a.id))
      issues.push(source.issueAt(['actions', i, 'id'], `action id "${a.id}" is used twice`, 'give every action its own id'));
    seen.add(a.id);
    checkTriggers(a, i, devices, source, issues);
    for (const [j, w] of a.do.entries()) checkWrite(w, ['actions', i, 'do', j], devices, source, issues);
    for (const [j, w] of (a.onClear ?? []).entries()) checkWrite(w, ['actions', i, 'onClear', j], devices, source, issues);
    return {
      id: a.id,
      alarms: a.when.alarms,
      min: a.when.min ?? a.when.alarms.length,
      do: a.do,
      onClear: a.onClear ?? [],
      priority: a.priority ?? 1,
      retries: a.retries ?? retries,
      retryDelayMs: a.retryDelayMs ?? retryDelayMs,
    };
  });
  issues.push(...checkConditionValues(devices, source));
  const management = resolveAlarmManagement(opts, devices, source, issues);
  return {
    actions,
    alarms: {
      historyRows: opts.historyRows ?? DEFAULTS.alarmHistoryRows,
      shelveCommentUpTo: opts.shelveCommentUpTo ?? DEFAULTS.shelveCommentUpTo,
      ...management,
    },
  };
}

function checkTriggers(a: ActionInput, i: number, devices: readonly DeviceConfig[], source: YamlSource, issues: ConfigIssue[]): void {
  const known = new Set(devices.flatMap((d) => d.points.flatMap((p) => p.limits.map((l) => `${d.id}/${p.id}/${l.condition}`))));
  for (const [j, id] of a.when.alarms.entries()) {
    if (!known.has(id)) {
      issues.push(
        source.issueAt(
          ['actions', i, 'when', 'alarms', j],
          `no enabled alarm "${id}"`,
          `use device/point/condition of a limit in force, e.g. ${[...known].slice(0, 3).join(', ') || '(none defined)'}`,
        ),
      );
    }
  }
  if (a.when.min !== undefined && a.when.min > a.when.alarms.length) {
    issues.push(
      source.issueAt(
        ['actions', i, 'when', 'min'],
        `min ${a.when.min} exceeds the ${a.when.alarms.length} alarm(s) listed`,
        'lower min or list more alarms',
      ),
    );
  }
}

function checkWrite(
  w: ActionWrite,
  at: (string | number)[],
  devices: readonly DeviceConfig[],
  source: YamlSource,
  issues: ConfigIssue[],
): void {
  const device = devices.find((d) => d.id === w.device);
  if (!device) {
    issues.push(source.issueAt([...at, 'device'], `no device "${w.device}"`, `use one of: ${devices.map((d) => d.id).join(', ')}`));
    return;
  }
  const point = device.points.find((p) => p.id === w.point);
  const writable = device.points.filter((p) => p.writable).map((p) => p.id);
  if (!point?.writable) {
    const what = point ? `point "${w.point}" of "${w.device}" is not writable` : `device "${w.device}" has no point "${w.point}"`;
    issues.push(source.issueAt([...at, 'point'], what, `target a writable output: ${writable.join(', ') || '(this device has none)'}`));
    return;
  }
  const isBool = point.dataType === 'boolean';
  if (isBool !== (typeof w.value === 'boolean')) {
    issues.push(
      source.issueAt(
        [...at, 'value'],
        `"${w.point}" takes ${isBool ? 'true or false' : 'a number'}`,
        `write ${isBool ? 'value: true' : 'a number'}`,
      ),
    );
  }
}

/** What each condition's `value` means limits what it may be (docs/alarms.md). */
function checkConditionValues(devices: readonly DeviceConfig[], source: YamlSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [index, d] of devices.entries()) {
    for (const p of d.points) {
      for (const l of p.limits) {
        const problem = conditionProblem(p, l.condition, l.value);
        if (problem)
          issues.push(
            source.issueAt(['devices', index, 'points', p.id, 'limits', l.condition], `${d.id}/${p.id}: ${problem[0]}`, problem[1]),
          );
      }
    }
  }
  return issues;
}

export function conditionProblem(
  point: Pick<PointConfig, 'dataType' | 'range'>,
  condition: string,
  value: number,
): [string, string] | undefined {
  const isBool = point.dataType === 'boolean';
  const analog = ['hihi', 'hi', 'lo', 'lolo', 'roc', 'flatline'];
  if (isBool && analog.includes(condition))
    return [`${condition} needs an analog point, this one is boolean`, 'use a state condition for a bit'];
  if (condition === 'state' && value !== 0 && value !== 1)
    return ['a state condition alarms on 1 (true) or 0 (false)', 'set value: 1 or value: 0'];
  if (['roc', 'stale', 'flatline'].includes(condition) && value <= 0)
    return [`${condition} needs a positive value`, 'give a rate (roc) or a time in ms (stale, flatline)'];
  if (condition === 'fault' && (value < 0 || !point.range))
    return [
      'fault checks the range: it needs range in the profile and value ≥ 0',
      'add range: {min, max} to the point or drop the fault condition',
    ];
  return undefined;
}
