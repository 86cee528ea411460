import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfigError, loadSiteConfig } from '../../../core/src/index.js';
import { FIXTURES } from '../../support/fixtures.js';

const ALARMS = join(FIXTURES, 'alarms');

describe('alarm keys of the site config', () => {
  it('resolves actions with their defaults and the condition kinds of the profiles', async () => {
    const site = await loadSiteConfig(join(ALARMS, 'actions-site.yaml'));
    const gas = site.actions.find((a) => a.id === 'gas-shutoff');
    assert.deepEqual(gas, {
      id: 'gas-shutoff',
      alarms: ['gas-1/lel1/hihi'],
      min: 1,
      do: [
        { device: 'gas-1', point: 'valve-close', value: true },
        { device: 'gas-1', point: 'fan-start', value: true },
      ],
      onClear: [],
      priority: 1,
      retries: 3,
      retryDelayMs: 500,
    });
    assert.equal(site.actions.find((a) => a.id === 'fire-doors')?.min, 2);
    const water = await loadSiteConfig(join(ALARMS, 'conditions-site.yaml'));
    const pressure = water.devices[0]?.points.find((p) => p.id === 'pressure');
    assert.deepEqual(
      pressure?.limits.map((l) => l.condition),
      ['lo', 'roc', 'stale', 'fault', 'flatline'],
    );
    assert.equal(pressure?.limits[0]?.onSamples, 1);
  });

  it('refuses bad actions and conditions with file:line and a fix, a non-writable target included', async () => {
    const error = await loadSiteConfig(join(ALARMS, 'bad-actions-site.yaml')).then(
      () => assert.fail('loaded'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConfigError);
    const lines = error.issues.map((i) => `${i.line}:${i.path}: ${i.message} | ${i.fix}`);
    assert.deepEqual(lines, [
      '9:devices[0].points.lel1.limits.roc: gas-1/lel1: roc needs a positive value | give a rate (roc) or a time in ms (stale, flatline)',
      '12:actions[0].when.alarms[1]: no enabled alarm "gas-1/lel9/hi" | use device/point/condition of a limit in force, e.g. gas-1/lel1/hihi, gas-1/lel1/hi, gas-1/lel1/roc',
      '12:actions[0].when.min: min 3 exceeds the 2 alarm(s) listed | lower min or list more alarms',
      '14:actions[0].do[0].point: point "lel1" of "gas-1" is not writable | target a writable output: valve-close, fan-start',
      '15:actions[0].do[1].value: "valve-close" takes true or false | write value: true',
      '16:actions[0].do[2].device: no device "gas-9" | use one of: gas-1',
    ]);
  });
});
