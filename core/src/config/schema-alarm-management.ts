import { type Static, Type } from '@sinclair/typebox';
import type { ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import type { DeviceConfig } from './site-config.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Site-config keys of alarm management (docs/alarms.md "Alarm analytics",
 * "Alarm handling by design"): the ISA-18.2 / EEMUA 191 measures the gateway
 * keeps, design suppression and the opt-in auto-shelve of chattering alarms.
 * All optional: a site that says nothing gets the standards' figures, no
 * suppression and no auto-shelve.
 */

const ms = (minimum: number, dflt: number, description: string) =>
  Type.Optional(Type.Integer({ minimum, maximum: 2_592_000_000, default: dflt, description }));

export const AnalyticsSchema = Type.Object(
  {
    floodStart: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DEFAULTS.floodStart,
        description: 'a flood starts when more than this many alarms were annunciated in floodWindowMs (ISA-18.2: 10 per 10 min)',
      }),
    ),
    floodEnd: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DEFAULTS.floodEnd,
        description: 'the flood ends when the rate falls below this (ISA-18.2: 5 per 10 min); at most floodStart',
      }),
    ),
    floodWindowMs: ms(1000, DEFAULTS.floodWindowMs, 'the window of the alarm rate, ms (10 min)'),
    chatterRaises: Type.Optional(
      Type.Integer({
        minimum: 2,
        default: DEFAULTS.chatterRaises,
        description: 'an alarm raising this many times in chatterWindowMs is chattering (EEMUA 191: 3 in 1 min)',
      }),
    ),
    chatterWindowMs: ms(1000, DEFAULTS.chatterWindowMs, 'the chattering window, ms; chattering ends after a whole window without a raise'),
    standingMs: ms(1000, DEFAULTS.standingMs, 'an alarm active longer than this is standing, ms (24 h)'),
    staleShelveMs: ms(1000, DEFAULTS.staleShelveMs, 'a shelve in place longer than this is stale, ms (24 h)'),
    badActorWindowMs: ms(3_600_000, DEFAULTS.badActorWindowMs, 'the window of the bad-actor counts, ms (24 h, hourly buckets)'),
    badActors: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: DEFAULTS.badActors, description: 'length of the bad-actor list' }),
    ),
    tickMs: ms(100, DEFAULTS.analyticsTickMs, 'how often rates, floods and ages are re-evaluated as time passes, ms'),
  },
  { additionalProperties: false, description: 'alarm analytics (ISA-18.2 §16, EEMUA 191)' },
);

const AlarmIdString = Type.String({ pattern: '^[^/]+/[^/]+/[a-z]+$', description: 'device/point/condition' });

export const SuppressionSchema = Type.Object(
  {
    when: AlarmIdString,
    suppress: Type.Union(
      [Type.Literal('lower-priority'), Type.Array(AlarmIdString, { minItems: 1, description: 'the alarms to suppress' })],
      {
        description: 'alarm ids, or lower-priority: every alarm of the same device with a lower priority (larger number) than `when`',
      },
    ),
  },
  { additionalProperties: false, description: 'while `when` is active, `suppress` is suppressed by design (ISA-18.2 §11.4.2)' },
);

export const AutoShelveSchema = Type.Object(
  {
    chatteringMs: Type.Integer({
      minimum: 1000,
      maximum: 86_400_000,
      description: 'shelve a chattering alarm of priority 2–4 for this long, ms; never priority 1',
    }),
  },
  { additionalProperties: false, description: 'opt-in automatic shelving (EEMUA 191)' },
);

export interface AnalyticsConfig {
  readonly floodStart: number;
  readonly floodEnd: number;
  readonly floodWindowMs: number;
  readonly chatterRaises: number;
  readonly chatterWindowMs: number;
  readonly standingMs: number;
  readonly staleShelveMs: number;
  readonly badActorWindowMs: number;
  readonly badActors: number;
  readonly tickMs: number;
}

export interface SuppressionRule {
  readonly when: string;
  /** Resolved alarm ids; never a priority-1 alarm. */
  readonly suppress: readonly string[];
}

export interface AlarmManagementConfig {
  readonly analytics: AnalyticsConfig;
  readonly suppression: readonly SuppressionRule[];
  /** Absent: off. */
  readonly autoShelve?: { readonly chatteringMs: number };
}

type AnalyticsInput = Static<typeof AnalyticsSchema>;
type SuppressionInput = Static<typeof SuppressionSchema>;

export interface AlarmManagementInput {
  readonly analytics?: AnalyticsInput;
  readonly suppression?: SuppressionInput[];
  readonly autoShelve?: Static<typeof AutoShelveSchema>;
}

/** Resolves `alarms.analytics`, `alarms.suppression` and `alarms.autoShelve`, pushing located issues. */
export function resolveAlarmManagement(
  input: AlarmManagementInput,
  devices: readonly DeviceConfig[],
  source: YamlSource,
  issues: ConfigIssue[],
): AlarmManagementConfig {
  const analytics = resolveAnalytics(input.analytics ?? {}, source, issues);
  const priorities = alarmPriorities(devices);
  const suppression = (input.suppression ?? []).map((rule, i) =>
    resolveSuppression(rule, ['alarms', 'suppression', i], priorities, source, issues),
  );
  return { analytics, suppression, ...(input.autoShelve ? { autoShelve: { chatteringMs: input.autoShelve.chatteringMs } } : {}) };
}

function resolveAnalytics(a: AnalyticsInput, source: YamlSource, issues: ConfigIssue[]): AnalyticsConfig {
  const resolved: AnalyticsConfig = {
    floodStart: a.floodStart ?? DEFAULTS.floodStart,
    floodEnd: a.floodEnd ?? DEFAULTS.floodEnd,
    floodWindowMs: a.floodWindowMs ?? DEFAULTS.floodWindowMs,
    chatterRaises: a.chatterRaises ?? DEFAULTS.chatterRaises,
    chatterWindowMs: a.chatterWindowMs ?? DEFAULTS.chatterWindowMs,
    standingMs: a.standingMs ?? DEFAULTS.standingMs,
    staleShelveMs: a.staleShelveMs ?? DEFAULTS.staleShelveMs,
    badActorWindowMs: a.badActorWindowMs ?? DEFAULTS.badActorWindowMs,
    badActors: a.badActors ?? DEFAULTS.badActors,
    tickMs: a.tickMs ?? DEFAULTS.analyticsTickMs,
  };
  // A flood that ended at the rate that starts it would start and end on every alarm: the end must be lower.
  if (resolved.floodEnd > resolved.floodStart)
    issues.push(
      source.issueAt(
        ['alarms', 'analytics', 'floodEnd'],
        `floodEnd ${resolved.floodEnd} is above floodStart ${resolved.floodStart}`,
        'set floodEnd at or below floodStart (ISA-18.2: start above 10, end below 5 per 10 min)',
      ),
    );
  return resolved;
}

/** Every alarm id of the site with its priority: conditions of points and each device's comm alarm (priority 2). */
function alarmPriorities(devices: readonly DeviceConfig[]): Map<string, { device: string; priority: number }> {
  const all = new Map<string, { device: string; priority: number }>();
  for (const d of devices) {
    all.set(`${d.id}/comm/comm`, { device: d.id, priority: 2 });
    for (const p of d.points) for (const l of p.limits) all.set(`${d.id}/${p.id}/${l.condition}`, { device: d.id, priority: l.priority });
  }
  return all;
}

function resolveSuppression(
  rule: SuppressionInput,
  at: (string | number)[],
  priorities: Map<string, { device: string; priority: number }>,
  source: YamlSource,
  issues: ConfigIssue[],
): SuppressionRule {
  const trigger = priorities.get(rule.when);
  const examples = [...priorities.keys()].slice(0, 3).join(', ');
  if (!trigger) {
    issues.push(
      source.issueAt([...at, 'when'], `no alarm "${rule.when}"`, `use device/point/condition of a limit in force, e.g. ${examples}`),
    );
    return { when: rule.when, suppress: [] };
  }
  if (rule.suppress === 'lower-priority') {
    const suppress = [...priorities].flatMap(([id, p]) =>
      p.device === trigger.device && id !== rule.when && p.priority > trigger.priority && !id.endsWith('/comm') ? [id] : [],
    );
    return { when: rule.when, suppress };
  }
  for (const [j, id] of rule.suppress.entries()) {
    const target = priorities.get(id);
    if (!target) issues.push(source.issueAt([...at, 'suppress', j], `no alarm "${id}"`, `use device/point/condition, e.g. ${examples}`));
    else if (target.priority === 1)
      issues.push(
        source.issueAt(
          [...at, 'suppress', j],
          `"${id}" is priority 1 (red): a priority-1 alarm is never suppressed by design`,
          'remove it from suppress, or lower its priority in the limits',
        ),
      );
    else if (id === rule.when)
      issues.push(source.issueAt([...at, 'suppress', j], `"${id}" would suppress itself`, 'remove it from suppress'));
  }
  return { when: rule.when, suppress: rule.suppress };
}
