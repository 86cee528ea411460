import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { BdSeqStore } from '../../../gateway/src/sparkplug/bdseq-store.js';
import { deviceBirth, nodeBirth, nodeDeath } from '../../../gateway/src/sparkplug/birth-builder.js';
import { encodePayload } from '../../../gateway/src/sparkplug/codec.js';
import { decideDeviceCommand, decideNodeCommand } from '../../../gateway/src/sparkplug/command-handler.js';
import { alarmData, deviceData } from '../../../gateway/src/sparkplug/data-builder.js';
import { AliasMap } from '../../../gateway/src/sparkplug/metric-map.js';
import { codec, num } from '../../support/sparkplug-host.js';

const site = `site: s
gateway: g
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1 }
`;

/** Births, data and command decisions, each payload read back with Tahu's decoder. */
describe('Sparkplug payloads and command decisions', () => {
  let dir: string;
  let config: SiteConfig;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-sparkplug-'));
    await writeFile(join(dir, 'site.yaml'), site);
    config = await loadSiteConfig(join(dir, 'site.yaml'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const decode = (p: Parameters<typeof encodePayload>[0]) => codec.decodePayload(new Uint8Array(encodePayload(p)));
  const tahuCmd = (metrics: unknown[]) => Buffer.from(codec.encodePayload({ timestamp: 1, metrics } as never));
  const device = () => config.devices[0] as SiteConfig['devices'][number];

  it('bdSeq: 0 first, +1 per CONNECT, 255 → 0, kept across a new store on the same folder (a restart)', async () => {
    const a = new BdSeqStore(dir);
    assert.deepEqual([a.next(), a.next()], [0, 1]);
    assert.equal(new BdSeqStore(dir).next(), 2);
    await writeFile(join(dir, 'sparkplug-bdseq.json'), '{"bdSeq":255}');
    assert.equal(new BdSeqStore(dir).next(), 0);
    await writeFile(join(dir, 'sparkplug-bdseq.json'), 'garbage');
    assert.equal(new BdSeqStore(dir).next(), 0);
    assert.equal(JSON.parse(await readFile(join(dir, 'sparkplug-bdseq.json'), 'utf8')).bdSeq, 0);
  });

  it('NBIRTH/NDEATH: seq 0 and bdSeq; NDEATH without seq; DBIRTH every point with unit, range and quality', () => {
    const aliases = new AliasMap(config.devices);
    aliases.addAlarm('gas-1/lel1/hihi');
    const nb = decode(nodeBirth(7, aliases, [], { bootId: 'b', version: 'v' }, 1000));
    assert.equal(num(nb.seq), 0);
    assert.equal(num(nb.metrics?.find((m) => m.name === 'bdSeq')?.value), 7);
    assert.equal(nb.metrics?.find((m) => m.name === 'Alarms/gas-1/lel1/hihi/State')?.value, 'normal');
    assert.equal(nb.metrics?.find((m) => m.name === 'Alarms/gas-1/lel1/hihi/Limit')?.value, null);
    const nd = decode(nodeDeath(7, 1000));
    assert.equal(nd.seq, undefined);
    assert.deepEqual(
      nd.metrics?.map((m) => [m.name, num(m.value)]),
      [['bdSeq', 7]],
    );
    const latest = { device: 'gas-1', point: 'lel1', value: 12.5, quality: 'uncertain' as const, sourceTs: 900, rxTs: 901 };
    const db = decode(deviceBirth(device(), 3, aliases, (p) => (p === 'lel1' ? latest : undefined), 1000));
    assert.equal(num(db.seq), 3);
    assert.equal(db.metrics?.length, device().points.length);
    const lel1 = db.metrics?.find((m) => m.name === 'lel1');
    assert.deepEqual([lel1?.value, num(lel1?.timestamp), lel1?.properties?.Quality?.value], [12.5, 900, 64]);
    const never = db.metrics?.find((m) => m.name === 'lel2');
    assert.deepEqual([never?.value, never?.properties?.Quality?.value], [null, 0]);
    const aliasesSeen = [...(nb.metrics ?? []), ...(db.metrics ?? [])].flatMap((m) => (m.alias === undefined ? [] : [num(m.alias)]));
    assert.equal(new Set(aliasesSeen).size, aliasesSeen.length, 'aliases are unique within the node');
  });

  it('DDATA and NDATA: by alias, source time, is_historical on replay; unknown points left out', () => {
    const aliases = new AliasMap(config.devices);
    aliases.addAlarm('gas-1/lel1/hihi');
    const batch = {
      bootId: 'b',
      seq: 1,
      ts: '2026-01-01T00:00:01.000Z',
      readings: [
        { device: 'gas-1', point: 'lel1', value: 3, unit: '%LEL', quality: 'good' as const, sourceTs: '2026-01-01T00:00:00.500Z' },
        { device: 'gas-1', point: 'ghost', value: 1, unit: '', quality: 'good' as const, sourceTs: '2026-01-01T00:00:00.500Z' },
      ],
    };
    const { perDevice, unknown } = deviceData(batch, aliases, true);
    assert.equal(unknown, 1);
    const [m] = perDevice.get('gas-1') ?? [];
    assert.deepEqual(
      [m?.name, m?.alias, m?.timestamp, m?.isHistorical],
      [undefined, aliases.point('gas-1', 'lel1'), Date.parse('2026-01-01T00:00:00.500Z'), true],
    );
    const event = {
      alarmId: 'gas-1/lel1/hihi',
      state: 'unacknowledged',
      priority: 1,
      value: 60,
      limit: 50,
      sourceTs: '2026-01-01T00:00:00.500Z',
    };
    const alarm = alarmData(event as never, aliases, false);
    assert.deepEqual(
      alarm.map((x) => [x.alias, x.value, x.isHistorical]),
      [
        [aliases.alarm('gas-1/lel1/hihi', 'State'), 'unacknowledged', undefined],
        [aliases.alarm('gas-1/lel1/hihi', 'Priority'), 1, undefined],
        [aliases.alarm('gas-1/lel1/hihi', 'Value'), 60, undefined],
        [aliases.alarm('gas-1/lel1/hihi', 'Limit'), 50, undefined],
      ],
    );
  });

  it('NCMD: Rebirth true accepted; malformed, unknown metrics and wrong datatypes rejected with a reason', () => {
    assert.deepEqual(decideNodeCommand(tahuCmd([{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }])), {
      rebirth: true,
      rejected: [],
    });
    assert.deepEqual(
      decideNodeCommand(Buffer.from([0xff, 0xff, 0xff])).rejected.map((r) => r.reason),
      ['malformed'],
    );
    assert.deepEqual(
      decideNodeCommand(tahuCmd([{ name: 'Node Control/Reboot', type: 'Boolean', value: true }])).rejected.map((r) => r.reason),
      ['unknown-metric'],
    );
    assert.deepEqual(
      decideNodeCommand(tahuCmd([{ name: 'Node Control/Rebirth', type: 'Int32', value: 1 }])).rejected.map((r) => r.reason),
      ['wrong-datatype'],
    );
    assert.deepEqual(
      decideNodeCommand(tahuCmd([])).rejected.map((r) => r.reason),
      ['unknown-metric'],
    );
  });

  it('DCMD: only listed writable points of a born device, by name or alias, with the point’s datatype', () => {
    const aliases = new AliasMap(config.devices);
    const context = { devices: config.devices, aliases, born: new Set(['gas-1']), writes: [{ device: 'gas-1', point: 'valve-close' }] };
    const decide = (dev: string, metrics: unknown[]) => decideDeviceCommand(dev, tahuCmd(metrics), context);
    assert.deepEqual(decide('gas-1', [{ name: 'valve-close', type: 'Boolean', value: true }]).writes, [
      { device: 'gas-1', point: 'valve-close', value: true },
    ]);
    const byAlias = decide('gas-1', [{ alias: aliases.point('gas-1', 'valve-close'), type: 'Boolean', value: false }]);
    assert.deepEqual(byAlias.writes, [{ device: 'gas-1', point: 'valve-close', value: false }]);
    const reasons = (dev: string, metrics: unknown[]) => decide(dev, metrics).rejected.map((r) => r.reason);
    assert.deepEqual(reasons('gas-1', [{ name: 'fan-start', type: 'Boolean', value: true }]), ['not-allowed']);
    assert.deepEqual(reasons('gas-1', [{ name: 'valve-close', type: 'Double', value: 1 }]), ['wrong-datatype']);
    assert.deepEqual(reasons('gas-1', [{ name: 'nope', type: 'Boolean', value: true }]), ['unknown-metric']);
    assert.deepEqual(reasons('gas-9', [{ name: 'valve-close', type: 'Boolean', value: true }]), ['unknown-target']);
    const dead = decideDeviceCommand('gas-1', tahuCmd([{ name: 'valve-close', type: 'Boolean', value: true }]), {
      ...context,
      born: new Set(),
    });
    assert.deepEqual(
      dead.rejected.map((r) => r.reason),
      ['unknown-target'],
      'a device after its DDEATH takes no DCMD',
    );
    assert.deepEqual(
      decideDeviceCommand('gas-1', Buffer.from('{}'), context).rejected.map((r) => r.reason),
      ['malformed'],
    );
  });
});
