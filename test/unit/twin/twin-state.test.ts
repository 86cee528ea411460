import assert from 'node:assert/strict';
import {
  applyMergePatch,
  createMergePatch,
  type Json,
  limitsVersionOf,
  ReportedTwin,
  TwinReplica,
  type TwinReported,
} from '@lifeline/twin';

const identity = { site: 's1', gateway: 'g1', bootId: 'boot-a' };

function reported(): TwinReported {
  const limits = { 'd1/p1/hihi': { value: 50, hysteresis: 2, priority: 1 as const, onDelayMs: 0, offDelayMs: 0, enabled: true } };
  return {
    gateway: { softwareVersion: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', configVersion: 'c', devicesOnline: 0, devicesTotal: 1 },
    devices: {
      d1: {
        name: 'D1',
        profile: 'gas-detector',
        comm: 'connecting',
        points: { p1: { quality: 'uncertain', unit: '%LEL', alarm: 'normal' } },
      },
    },
    limits,
    limitsVersion: limitsVersionOf(limits),
    alarms: {},
    alarmSeq: 0,
  };
}

describe('twin: reported twin and replica', () => {
  it('patches only what changed, one version at a time', () => {
    const twin = new ReportedTwin(identity, reported());
    assert.equal(twin.takePatch(0), undefined, 'nothing changed');
    twin.set(['devices', 'd1', 'comm'], 'online');
    twin.set(['devices', 'd1', 'points', 'p1', 'value'], 12.5);
    twin.set(['devices', 'd1', 'points', 'p1', 'value'], 13);
    const p = twin.takePatch(1000);
    assert.deepEqual(p?.patch, { devices: { d1: { comm: 'online', points: { p1: { value: 13 } } } } });
    assert.equal(p?.base, 1);
    assert.equal(p?.version, 2);
    assert.equal(twin.version, 2);
    twin.set(['devices', 'd1', 'comm'], 'online');
    assert.equal(twin.takePatch(2000), undefined, 'setting an equal value is no change');
  });

  it('removes members with null and covers a dirty child by its dirty parent', () => {
    const twin = new ReportedTwin(identity, reported());
    twin.set(['alarms', 'd1/p1/hihi'], { state: 'unacknowledged' });
    twin.takePatch(0);
    twin.set(['alarms', 'd1/p1/hihi', 'state'], 'acknowledged');
    twin.set(['alarms', 'd1/p1/hihi'], undefined);
    assert.deepEqual(twin.takePatch(0)?.patch, { alarms: { 'd1/p1/hihi': null } });
  });

  it('covers children by a parent set after them; the patch keeps shortest-first, first-set order', () => {
    const twin = new ReportedTwin(identity, reported());
    twin.set(['devices', 'd1', 'points', 'p1', 'value'], 1);
    twin.set(['devices', 'd1', 'points', 'p2'], { quality: 'good', unit: 'ppm', alarm: 'normal' });
    twin.set(['alarmSeq'], 2);
    twin.set(['devices', 'd1', 'points'], { p1: { quality: 'bad', unit: '%LEL', alarm: 'normal' } });
    twin.set(['devices', 'd1', 'comm'], 'online');
    const p = twin.takePatch(0);
    assert.equal(JSON.stringify(p?.patch), '{"alarmSeq":2,"devices":{"d1":{"points":{"p1":{"quality":"bad"}},"comm":"online"}}}');
  });

  it('a snapshot folds pending changes into a new version', () => {
    const twin = new ReportedTwin(identity, reported());
    twin.set(['alarmSeq'], 3);
    const s = twin.snapshot(0);
    assert.equal(s.version, 2);
    assert.equal(s.reported.alarmSeq, 3);
    assert.equal(twin.snapshot(0).version, 2, 'no change, same version');
    assert.equal(twin.takePatch(0), undefined);
  });

  it('a replica applies patches in order, ignores stale ones and reports gaps', () => {
    const twin = new ReportedTwin(identity, reported());
    const replica = new TwinReplica();
    twin.set(['alarmSeq'], 1);
    const first = twin.takePatch(0);
    assert.equal(replica.applyPatch(first as NonNullable<typeof first>).kind, 'gap', 'no snapshot yet');
    assert.equal(replica.applySnapshot(twin.snapshot(0)).kind, 'applied');
    const patches = [2, 3, 4].map((n) => {
      twin.set(['alarmSeq'], n);
      return twin.takePatch(0) as NonNullable<ReturnType<ReportedTwin['takePatch']>>;
    });
    assert.equal(replica.applyPatch(patches[0] as never).kind, 'applied');
    assert.equal(replica.applyPatch(patches[0] as never).kind, 'stale');
    assert.equal(replica.applyPatch(patches[2] as never).kind, 'gap');
    assert.equal(replica.applySnapshot(twin.snapshot(0)).kind, 'applied');
    assert.deepEqual(replica.reported, twin.reported);
    assert.equal(replica.version, twin.version);
    const other = new ReportedTwin({ ...identity, bootId: 'boot-b' }, reported());
    other.set(['alarmSeq'], 9);
    const foreign = other.takePatch(Date.now());
    assert.equal(replica.applyPatch(foreign as never).kind, 'gap', 'a patch of another boot needs its snapshot');
  });

  it('converges under random patch loss once a snapshot follows a gap', () => {
    const twin = new ReportedTwin(identity, reported());
    const replica = new TwinReplica();
    replica.applySnapshot(twin.snapshot(0));
    let gaps = 0;
    for (let i = 0; i < 500; i++) {
      twin.set(['devices', 'd1', 'points', 'p1', 'value'], i);
      if (i % 7 === 0) twin.set(['alarms', `d1/p1/hi`], i % 2 === 0 ? { seq: i } : undefined);
      const p = twin.takePatch(i);
      if (!p || (i * 7919) % 10 < 3) continue; // 30 % lost
      if (replica.applyPatch(p).kind === 'gap') {
        gaps += 1;
        replica.applySnapshot(twin.snapshot(i));
      }
    }
    replica.applySnapshot(twin.snapshot(1000));
    assert.ok(gaps > 0);
    assert.deepEqual(replica.reported, twin.reported);
  });

  it('splits a burst of changes into consecutive patches within the byte limit that together make the difference', () => {
    const twin = new ReportedTwin(identity, reported());
    const replica = new TwinReplica();
    replica.applySnapshot(twin.snapshot(0));
    const names = ['压力', 'flow', 'level'];
    for (let d = 0; d < 20; d++) {
      const points: Record<string, Json> = {};
      for (let p = 0; p < 50; p++) points[`p${p}`] = { quality: 'good', unit: names[p % 3] as string, alarm: 'normal' };
      twin.set(['devices', `d${d}`], { name: `D${d}`, profile: 'x', comm: 'online', points });
    }
    replica.applyPatch(twin.takePatch(1) as NonNullable<ReturnType<ReportedTwin['takePatch']>>);
    const before = JSON.parse(JSON.stringify(twin.reported)) as Json;
    for (let d = 0; d < 20; d++)
      for (let p = 0; p < 50; p++) twin.set(['devices', `d${d}`, 'points', `p${p}`, 'value'], d * 1000 + p + 0.125);
    twin.set(['devices', 'd3'], undefined);
    twin.set(['alarmSeq'], 9);
    const after = JSON.parse(JSON.stringify(twin.reported)) as Json;
    const version = twin.version;
    const patches = twin.takePatches(2, 4096);
    assert.ok(patches.length > 3, `${patches.length} patches`);
    for (const [i, p] of patches.entries()) {
      assert.equal(p.base, version + i, 'each patch follows the one before');
      assert.equal(p.version, version + i + 1);
      assert.ok(Buffer.byteLength(JSON.stringify(p)) <= 4096, `patch ${i}: ${Buffer.byteLength(JSON.stringify(p))} bytes`);
      assert.equal(replica.applyPatch(p).kind, 'applied');
    }
    assert.equal(twin.version, version + patches.length);
    assert.deepEqual(replica.reported, after);
    assert.deepEqual(
      patches.reduce((doc, p) => applyMergePatch(doc, p.patch as Json), before),
      after,
    );
    assert.deepEqual(twin.takePatches(3, 4096), [], 'nothing left');
  });

  it('puts one member larger than the byte limit in a patch of its own', () => {
    const twin = new ReportedTwin(identity, reported());
    twin.set(['alarmSeq'], 1);
    twin.set(['devices', 'd1', 'points', 'p1', 'reason'], 'x'.repeat(3000));
    twin.set(['gateway', 'devicesOnline'], 1);
    const patches = twin.takePatches(0, 2048);
    const sizes = patches.map((p) => Buffer.byteLength(JSON.stringify(p)));
    assert.equal(sizes.filter((b) => b > 2048).length, 1, `sizes ${sizes.join(', ')}`);
    const big = patches.find((p) => Buffer.byteLength(JSON.stringify(p)) > 2048);
    assert.deepEqual(big?.patch, { devices: { d1: { points: { p1: { reason: 'x'.repeat(3000) } } } } });
  });

  it('patches exactly the difference since the last patch, under random sets, removals and replaced parents', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const twin = new ReportedTwin(identity, reported());
    const devices = ['d1', 'd2', 'd3'];
    const members = ['value', 'quality', 'reason'];
    const values: Json[] = [1, 2, 'good', 'bad', { nested: 1 }];
    for (let round = 0; round < 300; round++) {
      const before = JSON.parse(JSON.stringify(twin.reported)) as Json;
      for (let n = random(20); n > 0; n--) {
        const device = devices[random(3)] as string;
        const point = `p${random(4)}`;
        const kind = random(10);
        if (kind === 0) twin.set(['devices', device, 'points'], { [point]: { quality: 'bad', unit: 'x', alarm: 'normal' } });
        else if (kind === 1) twin.set(['devices', device, 'points', point], random(2) ? undefined : { quality: 'good' });
        // A member removed only under an existing point: removing under a missing one creates the point unreported.
        else if (kind === 3 && twin.get(['devices', device, 'points', point]) !== undefined)
          twin.set(['devices', device, 'points', point, members[random(3)] as string], undefined);
        else if (kind === 2) twin.set(['alarmSeq'], random(5));
        else twin.set(['devices', device, 'points', point, members[random(3)] as string], values[random(values.length)]);
      }
      const after = JSON.parse(JSON.stringify(twin.reported)) as Json;
      const patch = twin.takePatch(round)?.patch;
      assert.deepEqual(patch, createMergePatch(before, after), `round ${round}`);
      if (patch) assert.deepEqual(applyMergePatch(before, patch), after);
    }
  });
});
