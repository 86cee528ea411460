import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ALARM_STATES } from '../../../core/src/index.js';
import { REPO_ROOT } from '../../support/fixtures.js';

const DIR = join(REPO_ROOT, 'dashboards/grafana/dashboards');

/** Red, orange, yellow and blue mean priority I–IV everywhere (DESIGN.md §1): as Grafana names and as the dashboard's hex. */
const PRIORITY_COLOURS = new Set(['red', 'orange', 'yellow', 'blue', '#c62828', '#ef6c00', '#f9a825', '#1565c0']);

/** Every value mapping of an ISA-18.2 state in a dashboard: [state, colour]. */
function stateColours(node: unknown, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) for (const n of node) stateColours(n, out);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'value' && record.options && typeof record.options === 'object') {
      for (const [value, mapping] of Object.entries(record.options as Record<string, { color?: string }>))
        if ((ALARM_STATES as readonly string[]).includes(value) && mapping.color) out.push([value, mapping.color]);
    }
    for (const v of Object.values(record)) stateColours(v, out);
  }
  return out;
}

describe('Grafana: alarm state colours', () => {
  it('never colour a state with a priority colour, and each state has one colour across dashboards', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json'));
    const seen = new Map<string, string>();
    for (const f of files) {
      for (const [state, colour] of stateColours(JSON.parse(await readFile(join(DIR, f), 'utf8')))) {
        assert.ok(!PRIORITY_COLOURS.has(colour.toLowerCase()), `${f}: state ${state} is ${colour}, a priority colour`);
        assert.equal(seen.get(state) ?? colour, colour, `${f}: state ${state} has two colours`);
        seen.set(state, colour);
      }
    }
    assert.ok(seen.has('unacknowledged') && seen.has('shelved'), 'the state mappings were found');
  });
});
