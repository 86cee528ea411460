import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_PROFILES_DIR, isConfigError, loadProfileFile, type Profile } from '../../../core/src/index.js';

/** The point ids other subsystems rely on (issue #3): renaming one breaks them. */
const REQUIRED: Record<string, string[]> = {
  'power-meter': ['ua', 'ub', 'uc', 'frequency', 'ia', 'ib', 'ic', 'thd-u'],
  'water-station': ['pressure', 'flow', 'totaliser'],
  'heat-station': ['supply-pressure', 'return-pressure', 'supply-temp', 'return-temp', 'flow', 'pump-running'],
  'gas-detector': [
    'lel1',
    'lel2',
    'lel3',
    'lel4',
    'status',
    'alarm-level1',
    'alarm-level2',
    'fault',
    'valve-close',
    'fan-start',
    'gas-flow',
  ],
  'fire-panel': [1, 2, 3, 4]
    .flatMap((z) => ['fire', 'fault', 'supervisory', 'isolated'].map((s) => `zone${z}-${s}`))
    .concat(['smoke1', 'smoke2', 'fire-door-release', 'siren']),
  'elevator-ebike-camera': ['ebike-detected', 'confidence', 'event-count', 'door-hold', 'voice-warning'],
  'electrical-fire-detector': ['rc1', 'rc2', 't1', 't2', 't3', 't4', 'rc1-alarm', 'fault', 'trip'],
  'fire-water-monitor': ['pressure', 'pressure-ma', 'level', 'level-ma', 'pump-running', 'pump-fault', 'pump-start'],
};
const WRITABLE: Record<string, string[]> = {
  'gas-detector': ['valve-close', 'fan-start'],
  'fire-panel': ['fire-door-release', 'siren'],
  'elevator-ebike-camera': ['door-hold', 'voice-warning'],
  'electrical-fire-detector': ['trip'],
  'fire-water-monitor': ['pump-start'],
};

describe('shipped device profiles', () => {
  const profiles = new Map<string, Profile>();
  before(async () => {
    for (const f of (await readdir(BUILT_IN_PROFILES_DIR)).filter((f) => f.endsWith('.yaml'))) {
      const p = await loadProfileFile(join(BUILT_IN_PROFILES_DIR, f));
      profiles.set(p.id, p);
    }
  });

  it('has exactly one profile per device kind', () => {
    assert.deepEqual([...profiles.keys()].sort(), Object.keys(REQUIRED).sort());
  });

  for (const [id, points] of Object.entries(REQUIRED)) {
    it(`${id}: keeps the point ids others rely on, cites standards, and grounds every limit`, () => {
      const p = profiles.get(id);
      assert.ok(p);
      for (const point of points) assert.ok(p.points[point], `${id} has ${point}`);
      for (const point of WRITABLE[id] ?? []) assert.equal(p.points[point]?.writable, true, `${point} is writable`);
      assert.ok((p.standards ?? []).length > 0, 'cites its standards');
      for (const [pid, point] of Object.entries(p.points)) {
        for (const [cond, limit] of Object.entries(point.limits ?? {})) assert.ok(limit?.basis, `${pid}.${cond} says where it comes from`);
        if (point.simulation && point.range && typeof point.simulation.initial === 'number') {
          assert.ok(
            point.simulation.initial >= point.range.min && point.simulation.initial <= point.range.max,
            `${pid} starts inside its range`,
          );
        }
      }
    });
  }

  for (const id of ['heat-station', 'fire-panel']) {
    it(`${id}: every point has both a Modbus register and an OPC UA node id and browse path`, () => {
      for (const [pid, point] of Object.entries(profiles.get(id)?.points ?? {})) {
        assert.ok(point.modbus && point.opcua?.nodeId && point.opcua.browsePath, pid);
        assert.ok(
          point.opcua.nodeId.endsWith(point.opcua.browsePath.split('/').pop()?.replace(/^\d+:/, '') ?? '?'),
          `${pid}: node id and browse path name one variable`,
        );
      }
    });
  }

  it('the 4–20 mA pressure maps 4 mA to 0 MPa and 20 mA to the 1.6 MPa span', () => {
    const m = profiles.get('water-station')?.points.pressure?.modbus;
    assert.ok(m);
    const mpa = (microAmps: number) => microAmps * (m.scale ?? 1) + (m.offset ?? 0);
    assert.ok(Math.abs(mpa(4000)) < 1e-9);
    assert.ok(Math.abs(mpa(20000) - 1.6) < 1e-9);
  });

  it('names file, line and fix for a coupling to an unknown point and a bad behaviour key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-profile-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'id: bad',
        'kind: test',
        'name: Bad',
        'points:',
        '  flow:',
        '    name: Flow',
        '    modbus: { table: input, address: 0, type: uint16 }',
        '    simulation: { initial: 1, wobble: 2 }',
        'couplings:',
        '  - while: { point: valve, equals: true }',
        '    hold: { point: flow, value: 0 }',
        '',
      ].join('\n'),
    );
    try {
      await assert.rejects(loadProfileFile(file), (e: unknown) => {
        assert.ok(isConfigError(e));
        const report = e.report();
        assert.match(report, /bad\.yaml:8:\d+: points\.flow\.simulation\.wobble/);
        return true;
      });
      await writeFile(file, (await readFile(file, 'utf8')).replace(', wobble: 2', ''));
      await assert.rejects(loadProfileFile(file), (e: unknown) => {
        assert.ok(isConfigError(e));
        assert.match(
          e.report(),
          /bad\.yaml:10:\d+: couplings\[0\]\.while\.point: coupling names unknown point "valve"\n\s+fix: use a point id/,
        );
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
