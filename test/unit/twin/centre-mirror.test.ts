import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AlarmEvent, limitsVersionOf, ReportedTwin, type TwinReported } from '@lifeline/twin';
import { CENTRE_ERRORS, type MirrorEvent, parsePartition, partitionOf, TwinMirror } from '@lifeline/twin/centre';
import { SeenEvents } from '../../../twin/src/centre/seen-events.js';
import { REPO_ROOT } from '../../support/fixtures.js';

const reported = (): TwinReported => ({
  gateway: { softwareVersion: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', configVersion: 'c', devicesOnline: 1, devicesTotal: 1 },
  devices: {},
  limits: {},
  limitsVersion: limitsVersionOf({}),
  alarms: {},
  alarmSeq: 0,
});

const alarm = (seq: number, state: AlarmEvent['state'], bootId = 'b1'): AlarmEvent => ({
  event: state === 'normal' ? 'clear' : 'raise',
  alarmId: 'd1/p1/hihi',
  eventId: `d1/p1/hihi#${seq}@${bootId}`,
  site: 's1',
  gateway: 'g1',
  device: 'd1',
  point: 'p1',
  condition: 'hihi',
  priority: 1,
  colour: 'red',
  state,
  value: 60,
  limit: 50,
  hysteresis: 2,
  unit: '%LEL',
  sourceTs: '2026-01-01T00:00:01.000Z',
  detectedAt: '2026-01-01T00:00:01.000Z',
  publishedAt: '2026-01-01T00:00:01.000Z',
  seq,
  bootId,
});

describe('centre: twin mirror (pure)', () => {
  let now: number;
  let mirror: TwinMirror;
  let events: MirrorEvent[];
  const twin = new ReportedTwin({ site: 's1', gateway: 'g1', bootId: 'b1' }, reported());
  const send = (suffix: string, body: unknown) => mirror.handle(`lifeline/v1/s1/g1/${suffix}`, JSON.stringify(body));

  beforeEach(() => {
    now = 0;
    mirror = new TwinMirror({ resyncRetryMs: 1000, now: () => now });
    events = [];
    mirror.on('event', (e) => events.push(e));
  });

  const resyncs = () => events.filter((e) => e.type === 'resync');

  it('tracks online/offline from status and lists the gateway', () => {
    send('status', { online: true, bootId: 'b1', ts: '2026-01-01T00:00:00.000Z', version: '0.1.0' });
    assert.equal(mirror.list()[0]?.online, true);
    send('status', { online: false, bootId: 'b1', ts: '2026-01-01T00:00:00.000Z', version: '0.1.0' });
    assert.equal(mirror.list()[0]?.online, false);
  });

  it('asks for a resync on a version gap, once per retry interval, and stops after a full twin', () => {
    send('twin', twin.snapshot(0));
    twin.set(['alarmSeq'], 1);
    twin.takePatch(0); // lost
    twin.set(['alarmSeq'], 2);
    send('twin/patch', twin.takePatch(0));
    twin.set(['alarmSeq'], 3);
    send('twin/patch', twin.takePatch(0));
    assert.equal(resyncs().length, 1, 'the second gap waits for the first resync');
    now = 1000;
    twin.set(['alarmSeq'], 4);
    send('twin/patch', twin.takePatch(0));
    assert.equal(resyncs().length, 2);
    send('twin', twin.snapshot(0));
    assert.equal(mirror.twin('s1', 'g1')?.version, twin.version);
    assert.deepEqual(mirror.twin('s1', 'g1')?.reported, twin.reported);
  });

  it('asks for a resync on an alarm seq gap and keeps the active alarm list ahead of the twin', () => {
    const fresh = new ReportedTwin({ site: 's1', gateway: 'g1', bootId: 'b1' }, reported());
    send('twin', fresh.snapshot(0));
    send('alarms', alarm(1, 'unacknowledged'));
    assert.deepEqual(
      mirror.activeAlarms().map((a) => [a.site, a.gateway, a.alarmId, a.state]),
      [['s1', 'g1', 'd1/p1/hihi', 'unacknowledged']],
    );
    assert.equal(resyncs().length, 0);
    send('alarms', alarm(3, 'normal'));
    assert.equal(resyncs().length, 1);
    assert.deepEqual(mirror.activeAlarms(), []);
  });

  it('drops an alarm event whose eventId it has seen, republished under a new boot, without a seq gap', () => {
    send('alarms', alarm(1, 'unacknowledged'));
    // The crashed boot b1 published seq 1; boot b2 republishes the same event as its seq 1, then goes on.
    send('alarms', { ...alarm(1, 'unacknowledged', 'b2'), eventId: alarm(1, 'unacknowledged').eventId });
    send('alarms', alarm(2, 'normal', 'b2'));
    const alarms = events.flatMap((e) => (e.type === 'alarm' ? [`${e.event.bootId}:${e.event.seq}`] : []));
    assert.deepEqual(alarms, ['b1:1', 'b2:2']);
    assert.equal(mirror.list()[0]?.duplicateAlarmEvents, 1);
    assert.equal(resyncs().length, 0, 'the copy took seq 1 of b2: no gap');
  });

  it('forgets the oldest eventIds first, beyond its capacity', () => {
    const seen = new SeenEvents(2);
    assert.deepEqual(
      ['a', 'b', 'a', 'c', 'b', 'a'].map((id) => seen.add(id)),
      [true, true, false, true, false, true],
    );
  });

  it('counts payloads that fail their schema and keeps going', () => {
    send('twin', { nonsense: true });
    send('twin/patch', 'not json');
    assert.equal(mirror.list()[0]?.rejectedMessages, 2);
  });

  it('partitions by site: an instance ignores the sites of other partitions', () => {
    const index = partitionOf('s1', 3);
    const mine = new TwinMirror({ partition: { index, count: 3 } });
    const other = new TwinMirror({ partition: { index: (index + 1) % 3, count: 3 } });
    for (const m of [mine, other]) m.handle('lifeline/v1/s1/g1/twin', JSON.stringify(twin.snapshot(0)));
    assert.equal(mine.list().length, 1);
    assert.equal(other.list().length, 0);
    assert.deepEqual(parsePartition('1/3'), { index: 1, count: 3 });
    assert.equal(typeof parsePartition('3/3'), 'string');
  });

  it('docs/errors.md lists every centre error code', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
    for (const code of Object.keys(CENTRE_ERRORS)) assert.ok(doc.includes(`\`${code}\``), `${code} missing from docs/errors.md`);
  });
});
