import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadSiteConfig } from '../../../core/src/index.js';
import { REPO_ROOT } from '../../support/fixtures.js';

const base = `site: s
gateway: g
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1 }
`;

/** `mqtt.sparkplug` (schema-sparkplug.ts): defaults from the site, and every misconfiguration located. */
describe('Sparkplug config', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-sparkplug-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = async (extra: string) => {
    const file = join(dir, `site-${Math.random().toString(16).slice(2)}.yaml`);
    await writeFile(file, base + extra);
    return loadSiteConfig(file);
  };
  const issues = async (extra: string) => {
    try {
      await load(extra);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.issues.map((i) => `${i.line}:${i.path}: ${i.message}`);
    }
    return assert.fail('expected config issues');
  };

  it('defaults group to the site, edge node to the gateway, and refuses every DCMD', async () => {
    const site = await load('mqtt:\n  sparkplug: { url: "mqtt://scada:1883" }\n');
    const sp = site.mqtt.sparkplug;
    assert.equal(sp?.groupId, 's');
    assert.equal(sp?.edgeNodeId, 'g');
    assert.equal(sp?.primaryHostId, undefined);
    assert.equal(sp?.clientId, 'lifeline-sp-s-g');
    assert.deepEqual(sp?.writes, []);
  });

  it('takes the ids, primary host and writes given', async () => {
    const site = await load(`mqtt:
  sparkplug:
    url: "mqtt://scada:1883"
    groupId: Plant A
    edgeNodeId: edge-7
    primaryHostId: ignition
    writes: [{ device: gas-1, point: valve-close }]
`);
    assert.deepEqual(
      { ...site.mqtt.sparkplug },
      {
        url: 'mqtt://scada:1883',
        protocolVersion: 4,
        clientId: 'lifeline-sp-s-g',
        groupId: 'Plant A',
        edgeNodeId: 'edge-7',
        primaryHostId: 'ignition',
        writes: [{ device: 'gas-1', point: 'valve-close' }],
      },
    );
  });

  it('locates a write to an unknown device, an unknown point and a point that is not writable, with file:line', async () => {
    const found = await issues(`mqtt:
  sparkplug:
    url: "mqtt://scada:1883"
    writes:
      - { device: gas-9, point: valve-close }
      - { device: gas-1, point: nope }
      - { device: gas-1, point: lel1 }
`);
    assert.deepEqual(found, [
      '11:mqtt.sparkplug.writes[0].device: no device "gas-9"',
      '12:mqtt.sparkplug.writes[1].point: device "gas-1" has no point "nope"',
      '13:mqtt.sparkplug.writes[2].point: point "gas-1/lel1" is not writable (its profile says so)',
    ]);
  });

  it('refuses ids with MQTT wildcards, unknown keys, and Sparkplug without telemetry', async () => {
    const found = await issues(`telemetry: { enabled: false }
mqtt:
  sparkplug:
    url: "mqtt://scada:1883"
    groupId: "a/b"
    ackTimeoutMs: 100
`);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0] ?? '', /^11:mqtt\.sparkplug\.groupId/);
    assert.match(found[1] ?? '', /^12:mqtt\.sparkplug.*ackTimeoutMs/);
    const semantic = await issues('telemetry: { enabled: false }\nmqtt:\n  sparkplug: { url: "mqtt://scada:1883" }\n');
    assert.deepEqual(semantic, ['9:mqtt.sparkplug: Sparkplug NDATA/DDATA come from telemetry, which is disabled']);
  });
});

describe('docs/sparkplug.md', () => {
  it('its example site with Sparkplug enabled validates', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs/sparkplug.md'), 'utf8');
    const block = /```yaml\n(# site\.yaml[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(block, 'the example block is in docs/sparkplug.md');
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-sparkplug-doc-'));
    process.env.SPARKPLUG_PASSWORD = 'secret';
    try {
      await writeFile(join(dir, 'site.yaml'), block);
      const site = await loadSiteConfig(join(dir, 'site.yaml'));
      assert.equal(site.mqtt.sparkplug?.groupId, 'gas-station-7');
      assert.equal(site.mqtt.sparkplug?.password, 'secret');
      assert.deepEqual(site.mqtt.sparkplug?.writes, [{ device: 'gas-hall', point: 'valve-close' }]);
    } finally {
      delete process.env.SPARKPLUG_PASSWORD;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
