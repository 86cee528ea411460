import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, describeTransport, loadSiteConfig } from '../../../core/src/index.js';
import { isLifelineError } from '../../../gateway/src/errors.js';
import { FIXTURES, REPO_ROOT } from '../../support/fixtures.js';

describe('site config loader', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A profile whose coil point has a 16-bit type: its error is on line 7 of the profile file. */
  const writeBrokenProfile = (id: string) =>
    writeFile(
      join(dir, `${id}.yaml`),
      [
        `id: ${id}`,
        'kind: test',
        'name: Broken',
        'points:',
        '  p1:',
        '    name: P1',
        '    modbus: { table: coil, address: 0, type: uint16 }',
      ].join('\n'),
    );

  async function issuesOf(yaml: string): Promise<string[]> {
    const file = join(dir, `site-${Math.random().toString(16).slice(2)}.yaml`);
    await writeFile(file, yaml);
    try {
      await loadSiteConfig(file);
    } catch (e) {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
      return e.issues.map((i) => `${i.line}:${i.path}: ${i.message} | ${i.fix}`);
    }
    assert.fail('the config loaded but should not have');
  }

  it('loads the demo site with profile defaults and declared defaults', async () => {
    const site = await loadSiteConfig(join(REPO_ROOT, 'examples/demo/site.yaml'));
    assert.equal(site.site, 'demo-restaurant');
    const device = site.devices[0];
    assert.equal(device?.profile.kind, 'combustible-gas-detector');
    const lel1 = device?.points.find((p) => p.id === 'lel1');
    assert.deepEqual(
      lel1?.limits.map((l) => [l.condition, l.value, l.priority]),
      [
        ['hihi', 50, 1],
        ['hi', 25, 2],
      ],
    );
    assert.equal(lel1?.register?.scale, 0.1);
    assert.equal(device?.transport === 'modbus' && device.modbus.timeoutMs, 1000);
    assert.ok(Object.isFrozen(site) && Object.isFrozen(device));
  });

  it('applies per-site limit overrides field by field', async () => {
    const site = await loadSiteConfig(join(FIXTURES, 'override-site.yaml'));
    const limits = site.devices[0]?.points.find((p) => p.id === 'lel1')?.limits;
    const hihi = limits?.find((l) => l.condition === 'hihi');
    assert.equal(hihi?.value, 40);
    assert.equal(hihi?.priority, 1, 'priority inherited from the profile');
    assert.equal(
      limits?.find((l) => l.condition === 'hi'),
      undefined,
      'hi disabled by the site',
    );
  });

  it('reports YAML syntax errors with their line', async () => {
    const issues = await issuesOf('site: a\ngateway: [b\ndevices: []\n');
    assert.match(issues[0] ?? '', /^\d+:: YAML syntax/);
  });

  it('reports every schema error with line, path and fix', async () => {
    const issues = await issuesOf(
      [
        'site: Bad Site',
        'gateway: gw',
        'htp: {}',
        'devices:',
        '  - id: d1',
        '    profile: gas-detector',
        '    modbus: { host: x, port: 70000 }',
        '    pollIntervalMs: fast',
      ].join('\n'),
    );
    assert.deepEqual(issues, [
      '1:site: "Bad Site" has the wrong form | use lower-case letters, digits, - and _',
      '3:htp: unknown key "htp" | remove it or check its spelling; allowed here: site, gateway, profilesDir, stateDir, stopDeadlineMs, http, mqtt, outbox, telemetry, influx, simulator, twin, devices, actions, alarms',
      '7:devices[0].modbus.port: must be <= 65535 | use a value <= 65535',
      '8:devices[0].pollIntervalMs: must be an integer | write an integer here',
    ]);
  });

  it('reports unknown profiles, unknown points, bad limit order, duplicate ids', async () => {
    const issues = await issuesOf(
      [
        'site: s',
        'gateway: g',
        'devices:',
        '  - id: d1',
        '    profile: gas-detector',
        '    modbus: { host: h }',
        '    points:',
        '      lel9: {}',
        '      lel1: { limits: { hihi: { value: 10 }, lo: { value: 3 } } }',
        '  - id: d1',
        '    profile: no-such-profile',
        '    modbus: { host: h, unitId: 2 }',
      ].join('\n'),
    );
    assert.equal(issues.length, 5, issues.join('\n'));
    assert.match(issues[0] ?? '', /^8:devices\[0\]\.points\.lel9: profile "gas-detector" has no point "lel9" \| use one of: lel1/);
    assert.match(issues[1] ?? '', /^9:devices\[0\]\.points\.lel1\.limits.hi\.value: hi \(25\) must be below hihi \(10\)/);
    assert.match(issues[2] ?? '', /^9:devices\[0\]\.points\.lel1\.limits\.lo: limit lo needs "priority"/);
    assert.match(issues[3] ?? '', /^10:devices\[1\]\.id: device id "d1" is already used by devices\[0\]/);
    assert.match(issues[4] ?? '', /^11:devices\[1\]\.profile: device profile "no-such-profile" not found/);
  });

  it('reports a bad profile at the profile file and line', async () => {
    await writeBrokenProfile('broken');
    const issues = await issuesOf(
      ['site: s', 'gateway: g', 'profilesDir: .', 'devices:', '  - id: d1', '    profile: broken', '    modbus: { host: h }'].join('\n'),
    );
    assert.deepEqual(issues, ['7:points.p1.modbus.type: a coil holds one bit, not uint16 | use type: bool']);
  });

  it('reads a profile once per site and shares it between the devices that name it; its errors come once', async () => {
    const file = join(dir, 'shared.yaml');
    await writeFile(
      file,
      [
        'site: s',
        'gateway: g',
        'devices:',
        '  - { id: a, profile: gas-detector, modbus: { host: h } }',
        '  - { id: b, profile: gas-detector, modbus: { host: h, unitId: 2 } }',
      ].join('\n'),
    );
    const site = await loadSiteConfig(file);
    assert.equal(site.devices[0]?.profile, site.devices[1]?.profile);
    await writeBrokenProfile('broken-twice');
    const issues = await issuesOf(
      [
        'site: s',
        'gateway: g',
        'profilesDir: .',
        'devices:',
        '  - { id: a, profile: broken-twice, modbus: { host: h } }',
        '  - { id: b, profile: broken-twice, modbus: { host: h, unitId: 2 } }',
      ].join('\n'),
    );
    assert.deepEqual(issues, ['7:points.p1.modbus.type: a coil holds one bit, not uint16 | use type: bool']);
  });

  it('resolves each transport with its defaults', async () => {
    const file = join(dir, 'transports.yaml');
    await writeFile(
      file,
      [
        'site: s',
        'gateway: g',
        'devices:',
        '  - { id: tcp, profile: gas-detector, modbus: { host: 10.0.0.5 } }',
        '  - { id: rot, profile: gas-detector, modbus: { host: 10.0.0.6, port: 4001, framing: rtu-over-tcp, unitId: 3 } }',
        '  - { id: rtu, profile: gas-detector, modbus: { serialPort: /dev/ttyUSB0, baudRate: 19200, parity: even, unitId: 7 } }',
        '  - { id: ua, profile: gas-detector, opcua: { endpointUrl: "opc.tcp://10.0.0.9:4840/UA" } }',
      ].join('\n'),
    );
    const site = await loadSiteConfig(file);
    assert.deepEqual(site.devices.map(describeTransport), [
      { kind: 'modbus-tcp', host: '10.0.0.5', port: 502, unitId: 1 },
      { kind: 'modbus-rtu-over-tcp', host: '10.0.0.6', port: 4001, unitId: 3 },
      { kind: 'modbus-rtu', serialPort: '/dev/ttyUSB0', baudRate: 19200, unitId: 7 },
      { kind: 'opcua', endpointUrl: 'opc.tcp://10.0.0.9:4840/UA', securityMode: 'None' },
    ]);
  });

  it('refuses a device with no transport, two transports, or a mixed Modbus link', async () => {
    const issues = await issuesOf(
      [
        'site: s',
        'gateway: g',
        'devices:',
        '  - { id: none, profile: gas-detector }',
        '  - { id: both, profile: gas-detector, modbus: { host: h }, opcua: { endpointUrl: "opc.tcp://h:4840" } }',
        '  - { id: mixed, profile: gas-detector, modbus: { host: h, serialPort: /dev/ttyS0 } }',
        '  - { id: baud, profile: gas-detector, modbus: { host: h, baudRate: 9600 } }',
      ].join('\n'),
    );
    assert.equal(issues.length, 4, issues.join('\n'));
    assert.match(issues[0] ?? '', /^4:devices\[0\]: device "none" has no transport/);
    assert.match(issues[1] ?? '', /^5:devices\[1\]\.opcua: a device has one transport/);
    assert.match(issues[2] ?? '', /^6:devices\[2\]\.modbus: a Modbus link needs exactly one of host/);
    assert.match(issues[3] ?? '', /^7:devices\[3\]\.modbus\.baudRate: baudRate applies to serial links/);
  });

  it('names a missing file with LL_ERR_CONFIG_NOT_FOUND', async () => {
    await assert.rejects(loadSiteConfig(join(dir, 'nope.yaml')), (e) => isLifelineError(e, 'LL_ERR_CONFIG_NOT_FOUND'));
  });
});
