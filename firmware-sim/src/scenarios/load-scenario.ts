import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigIssue, type Profile, pointDataType, readYaml, validateAgainst, type YamlSource } from '@lifeline/core';
import { type Scenario, ScenarioSchema } from './scenario-schema.js';

/** The scenarios shipped with the simulator: `firmware-sim/scenarios/`. */
export const BUILT_IN_SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/**
 * Loads one scenario file, checked against its schema and, when the profile is
 * given, against that profile's points and value types; every problem is
 * reported at once with file:line and a fix, as site configs are.
 */
export async function loadScenarioFile(file: string, profileOf?: (id: string) => Profile | undefined): Promise<Scenario> {
  const source = await readYaml(file);
  const issues: ConfigIssue[] = [...source.syntaxIssues];
  if (issues.length === 0) issues.push(...validateAgainst(ScenarioSchema, source));
  if (issues.length === 0) {
    const scenario = source.data as Scenario;
    if (scenario.name !== basename(file, '.yaml')) {
      issues.push(source.issueAt(['name'], `name "${scenario.name}" differs from the file name`, `rename to ${basename(file, '.yaml')}`));
    }
    const profile = profileOf?.(scenario.profile);
    if (profile) issues.push(...checkAgainstProfile(scenario, profile, source));
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
  return source.data as Scenario;
}

function checkAgainstProfile(scenario: Scenario, profile: Profile, source: YamlSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const known = (point: string, at: (string | number)[]): boolean => {
    if (profile.points[point]) return true;
    issues.push(
      source.issueAt(at, `profile ${profile.id} has no point "${point}"`, `use one of: ${Object.keys(profile.points).join(', ')}`),
    );
    return false;
  };
  const isBool = (point: string): boolean => {
    const p = profile.points[point];
    return p !== undefined && pointDataType(p) === 'boolean';
  };
  for (const point of Object.keys(scenario.behaviour ?? {})) known(point, ['behaviour', point]);
  scenario.steps.forEach((step, i) => {
    for (const [point, value] of Object.entries(step.set ?? {})) {
      if (known(point, ['steps', i, 'set', point]) && isBool(point) !== (typeof value === 'boolean')) {
        issues.push(
          source.issueAt(
            ['steps', i, 'set', point],
            `point "${point}" takes ${isBool(point) ? 'true or false' : 'a number'}`,
            'fix the value',
          ),
        );
      }
    }
    if (step.ramp && known(step.ramp.point, ['steps', i, 'ramp', 'point']) && isBool(step.ramp.point)) {
      issues.push(source.issueAt(['steps', i, 'ramp', 'point'], `cannot ramp boolean point "${step.ramp.point}"`, 'use set: instead'));
    }
  });
  return issues;
}

/** Every scenario file of a folder, by name. */
export async function listScenarioFiles(dir = BUILT_IN_SCENARIOS_DIR): Promise<Map<string, string>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  return new Map(files.map((f) => [basename(f, '.yaml'), join(dir, f)]));
}
