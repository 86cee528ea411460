import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CommandResult, TwinDesiredResult, TwinPatch, TwinSnapshot } from '@lifeline/twin';
import { pino } from 'pino';
import sinon from 'sinon';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { systemClock } from '../../../core/src/time/clock.js';
import type { AlarmControl } from '../../../gateway/src/alarms/alarm-control.js';
import type { EventBus } from '../../../gateway/src/events/event-bus.js';
import type { GatewayEventSource, GatewayEvents } from '../../../gateway/src/events/gateway-events.js';
import {
  configuredLimits,
  GatewayTwin,
  type GatewayTwinOptions,
  type InboundMeta,
  type TwinLink,
} from '../../../gateway/src/twin/index.js';
import { testBus } from '../../support/event-bus.js';
import { FIXTURES } from '../../support/fixtures.js';

const PREFIX = 'lifeline/v1/test-site/gw-test';

/** A link that records what the twin publishes and lets the test deliver messages to its subscriptions. */
class FakeLink implements TwinLink {
  readonly name: string;
  readonly sent: { topic: string; payload: unknown; retain: boolean }[] = [];
  readonly handlers = new Map<string, (topic: string, payload: Buffer, meta?: InboundMeta) => void>();
  constructor(name = 'fake') {
    this.name = name;
  }
  publish(topic: string, payload: string, opts: { retain?: boolean } = {}): void {
    this.sent.push({ topic, payload: JSON.parse(payload), retain: opts.retain ?? false });
  }
  subscribe(filter: string, handler: (topic: string, payload: Buffer, meta?: InboundMeta) => void): void {
    this.handlers.set(filter, handler);
  }
  /** Requests carry the issue time "now" (the fake clock) unless they give their own. */
  deliver(suffix: string, body: unknown, meta: InboundMeta = { retain: false }): void {
    const topic = `${PREFIX}/${suffix}`;
    const handler = this.handlers.get(topic);
    if (!handler) throw new Error(`not subscribed to ${topic}`);
    const stamped =
      typeof body === 'object' && body !== null && 'clientToken' in body ? { issuedAt: new Date().toISOString(), ...body } : body;
    handler(topic, Buffer.from(typeof stamped === 'string' ? stamped : JSON.stringify(stamped)), meta);
  }
  on<T>(suffix: string): T[] {
    return this.sent.filter((m) => m.topic === `${PREFIX}/${suffix}`).map((m) => m.payload as T);
  }
}

/** A gateway twin on the fake timers' system clock, silent, started on `link`. */
function startTwin(
  config: SiteConfig,
  events: GatewayEventSource,
  alarms: AlarmControl,
  link: FakeLink,
  extra: Partial<GatewayTwinOptions> = {},
): GatewayTwin {
  const twin = new GatewayTwin({
    config,
    bootId: 'boot-1',
    softwareVersion: '0.1.0',
    events,
    alarms,
    clock: systemClock,
    log: pino({ level: 'silent' }),
    ...extra,
  });
  twin.start([link]);
  return twin;
}

describe('twin: gateway side (fake AlarmControl, fake timers)', () => {
  let site: SiteConfig;
  let clock: sinon.SinonFakeTimers;
  let bus: EventBus<GatewayEvents>;
  let control: sinon.SinonStubbedInstance<AlarmControl>;
  let link: FakeLink;
  let twin: GatewayTwin;

  before(async () => {
    const loaded = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    site = {
      ...loaded,
      twin: {
        ...loaded.twin,
        coalesceMs: 100,
        authorise: [
          { user: 'ops', may: ['limits', 'ack', 'shelve'] },
          { user: 'viewer', may: ['ack'] },
        ],
      },
    };
  });

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    bus = testBus();
    const limits = configuredLimits(site);
    control = {
      ack: sinon.stub<Parameters<AlarmControl['ack']>>().returns({ ok: true, alarmId: 'gas-1/lel1/hihi', state: 'acknowledged' }),
      shelve: sinon.stub<Parameters<AlarmControl['shelve']>>().returns({ ok: true, alarmId: 'gas-1/lel1/hihi', state: 'shelved' }),
      unshelve: sinon.stub(),
      applyLimits: sinon.stub<Parameters<AlarmControl['applyLimits']>>().returns({ ok: true }),
      limits: sinon.stub<[]>().returns(limits),
    } as unknown as sinon.SinonStubbedInstance<AlarmControl>;
    link = new FakeLink();
    twin = startTwin(site, bus, control, link);
  });

  afterEach(() => {
    twin.stop();
    clock.restore();
  });

  const birth = () => link.deliver('status', { online: true, bootId: 'boot-1', ts: new Date().toISOString(), version: '0.1.0' });
  const reading = (value: number) => ({
    device: 'gas-1',
    point: 'lel1',
    value,
    quality: 'good' as const,
    sourceTs: Date.now(),
    rxTs: Date.now(),
  });

  it('publishes the retained twin when its own birth comes back, not for another boot', () => {
    link.deliver('status', { online: true, bootId: 'old-boot', ts: new Date().toISOString(), version: '0.1.0' });
    assert.equal(link.on('twin').length, 0);
    birth();
    const [snapshot] = link.on<TwinSnapshot>('twin');
    assert.equal(snapshot?.bootId, 'boot-1');
    assert.equal(snapshot?.version, 1);
    assert.equal(link.sent.find((m) => m.topic.endsWith('/twin'))?.retain, true);
    assert.ok(snapshot?.reported.limits['gas-1/lel1/hihi']);
  });

  it('coalesces changes within coalesceMs into one patch, reporting by exception', () => {
    birth();
    bus.emit('readings', [reading(10)]);
    bus.emit('readings', [reading(11)]);
    bus.emit('comm', { device: 'gas-1', state: 'online' });
    clock.tick(99);
    assert.equal(link.on('twin/patch').length, 0);
    clock.tick(1);
    const patches = link.on<TwinPatch>('twin/patch');
    assert.equal(patches.length, 1);
    assert.deepEqual(patches[0]?.patch, {
      gateway: { devicesOnline: 1 },
      devices: {
        'gas-1': {
          comm: 'online',
          points: { lel1: { value: 11, quality: 'good', reason: null, ts: new Date(Date.now() - 100).toISOString() } },
        },
      },
    });
    bus.emit('readings', [reading(11)]);
    clock.tick(1000);
    assert.equal(link.on('twin/patch').length, 1, 'an unchanged value is no change');
  });

  it('shows a non-finite value as absent, ignores unknown points, and keeps the point members in schema order', () => {
    birth();
    bus.emit('readings', [
      { ...reading(Number.NaN), quality: 'uncertain' as const, reason: 'over range' },
      { ...reading(1), device: 'no-such-device' },
      { ...reading(1), point: 'no-such-point' },
    ]);
    clock.tick(100);
    const point = twin.twin.reported.devices['gas-1']?.points.lel1;
    assert.deepEqual(Object.keys(point ?? {}), ['quality', 'reason', 'unit', 'ts', 'alarm']);
    assert.equal(point?.reason, 'over range');
    assert.equal(twin.twin.reported.devices['no-such-device'], undefined);
    assert.equal(twin.twin.reported.devices['gas-1']?.points['no-such-point'], undefined);
  });

  it('reports a degraded device, and its acquisition counters every healthIntervalMs', () => {
    twin.stop();
    const lastOk = Date.now();
    const counters = {
      requests: 40,
      timeouts: 2,
      exceptions: 1,
      badFrames: 0,
      retries: 3,
      lateRetries: 4,
      reconnects: 0,
      writes: 0,
      writeFailures: 0,
    };
    const health = () => [
      {
        device: 'gas-1',
        transport: 'modbus' as const,
        connection: 'tcp://127.0.0.1:502',
        comm: 'degraded' as const,
        breaker: 'closed' as const,
        lastSuccessTs: lastOk,
        counters,
        latency: { bucketsMs: [10], counts: [36, 38], sumMs: 152, count: 38 },
      },
    ];
    const withHealth = { ...site, twin: { ...site.twin, healthIntervalMs: 60_000 } };
    twin = startTwin(withHealth, bus, control, link, { deviceHealth: health });
    birth();
    bus.emit('comm', { device: 'gas-1', state: 'degraded', reason: 'retries: timeout' });
    clock.tick(100);
    assert.deepEqual(link.on<TwinPatch>('twin/patch').at(-1)?.patch, {
      devices: { 'gas-1': { comm: 'degraded', commReason: 'retries: timeout' } },
    });
    clock.tick(60_000);
    const patch = link.on<TwinPatch>('twin/patch').at(-1)?.patch as { devices: Record<string, { health: unknown }> };
    assert.deepEqual(patch.devices['gas-1']?.health, {
      ...counters,
      breaker: 'closed',
      latencyMeanMs: 4,
      lastSuccessTs: new Date(lastOk).toISOString(),
    });
    const before = link.on('twin/patch').length;
    clock.tick(60_100);
    assert.equal(link.on('twin/patch').length, before, 'unchanged counters are no change');
  });

  it("reports each sink's outbox backlog with the health, on its timer only", () => {
    twin.stop();
    let pending = 0;
    const backlog = () => ({ centre: { alarm: 0, twin: 1, telemetry: pending }, influx: { alarm: 0, twin: 0, telemetry: pending } });
    twin = startTwin({ ...site, twin: { ...site.twin, healthIntervalMs: 10_000 } }, bus, control, link, { outboxBacklog: backlog });
    birth();
    pending = 250;
    clock.tick(9_999);
    const reported = () => twin.twin.reported.gateway.outboxBacklog;
    assert.equal(reported(), undefined, 'nothing before the first report');
    clock.tick(200);
    const patch = link.on<TwinPatch>('twin/patch').at(-1)?.patch as { gateway: { outboxBacklog: unknown } };
    assert.deepEqual(patch.gateway.outboxBacklog, {
      centre: { alarm: 0, twin: 1, telemetry: 250 },
      influx: { alarm: 0, twin: 0, telemetry: 250 },
    });
    const before = link.on('twin/patch').length;
    clock.tick(10_000);
    assert.equal(link.on('twin/patch').length, before, 'an unchanged backlog is no change');
    pending = 0;
    clock.tick(10_000);
    assert.equal(link.on('twin/patch').length, before + 1);
    assert.equal(reported()?.centre?.telemetry, 0);
  });

  it('sends changes larger than maxPatchBytes as consecutive patches within it', () => {
    twin.stop();
    const small = { ...site, twin: { ...site.twin, maxPatchBytes: 1024 } };
    link = new FakeLink();
    twin = startTwin(small, bus, control, link);
    const snapshots = link.on<TwinSnapshot>('twin').length;
    bus.emit('readings', site.devices[0]?.points.map((p) => ({ ...reading(1), point: p.id, reason: 'x'.repeat(200) })) ?? []);
    clock.tick(300);
    const patches = link.on<TwinPatch>('twin/patch');
    assert.ok(patches.length > 1, `${patches.length} patches`);
    for (const [i, p] of patches.entries()) {
      assert.ok(Buffer.byteLength(JSON.stringify(p)) <= 1024);
      if (i > 0) assert.equal(p.base, patches[i - 1]?.version);
    }
    type PointsPatch = { devices?: Record<string, { points?: Record<string, unknown> }> };
    const patched = patches.flatMap((p) => Object.keys((p.patch as PointsPatch).devices?.['gas-1']?.points ?? {}));
    assert.deepEqual(patched.sort(), site.devices[0]?.points.map((p) => p.id).sort(), 'every point in one of the patches');
    // This twin is small, so these patches outweigh it and the retained twin is refreshed after them, at their version.
    const refreshed = link.on<TwinSnapshot>('twin').slice(snapshots);
    assert.deepEqual(
      refreshed.map((t) => t.version),
      [patches.at(-1)?.version],
    );
  });

  it('sends a full twin instead of a patch when one change alone is larger than maxPatchBytes', () => {
    twin.stop();
    const small = { ...site, twin: { ...site.twin, maxPatchBytes: 1024 } };
    link = new FakeLink();
    twin = startTwin(small, bus, control, link);
    bus.emit('readings', [{ ...reading(1), reason: 'x'.repeat(2000) }]);
    clock.tick(300);
    assert.equal(link.on('twin/patch').length, 0);
    const [snapshot] = link.on<TwinSnapshot>('twin');
    assert.equal(snapshot?.version, 2);
    assert.equal(snapshot?.reported.devices['gas-1']?.points.lel1?.reason, 'x'.repeat(2000));
  });

  it('applies an authorised desired limit change whole and answers accepted', () => {
    const limitsVersion = twin.twin.reported.limitsVersion;
    link.deliver('twin/desired', {
      clientToken: 't1',
      by: { user: 'ops' },
      ifLimitsVersion: limitsVersion,
      limits: { 'gas-1/lel1/hihi': { value: 40 } },
    });
    sinon.assert.calledOnceWithExactly(control.applyLimits, [{ device: 'gas-1', point: 'lel1', condition: 'hihi', value: 40 }]);
    const [result] = link.on<TwinDesiredResult>('twin/desired/result');
    assert.equal(result?.clientToken, 't1');
    assert.equal(result?.status, 'accepted');
    assert.deepEqual(result?.reasons, []);
  });

  it('rejects malformed, unauthorised and stale desired changes with every reason, applying nothing', () => {
    link.deliver('twin/desired', '{not json');
    link.deliver('twin/desired', {
      clientToken: 't2',
      by: { user: 'ops' },
      limits: { 'gas-1/lel1/hihi': { value: 'high', colour: 'red' } },
    });
    link.deliver('twin/desired', {
      clientToken: 't3',
      by: { user: 'viewer' },
      ifLimitsVersion: 'stale',
      limits: { 'gas-1/lel1/hihi': { value: 40 }, 'gas-1/nope/hi': { value: 1 } },
      acks: ['gas-1/lel1/hihi'],
    });
    const results = link.on<TwinDesiredResult>('twin/desired/result');
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.equal(results[0]?.clientToken, '');
    assert.match(results[0]?.reasons[0]?.message ?? '', /not JSON/);
    assert.equal(results[1]?.clientToken, 't2');
    assert.ok(results[1]?.reasons.some((r) => r.path === '/limits/gas-1~1lel1~1hihi/value'));
    assert.ok(results[1]?.reasons.some((r) => r.path === '/limits/gas-1~1lel1~1hihi/colour'));
    const codes = results[2]?.reasons.map((r) => `${r.code} ${r.path}`);
    assert.deepEqual(codes, [
      'LL_ERR_TWIN_STALE_VERSION /ifLimitsVersion',
      'LL_ERR_TWIN_UNAUTHORISED /limits/gas-1~1lel1~1hihi',
      'LL_ERR_TWIN_UNAUTHORISED /limits/gas-1~1nope~1hi',
      'LL_ERR_TWIN_UNKNOWN_TARGET /limits/gas-1~1nope~1hi',
      'LL_ERR_TWIN_UNKNOWN_TARGET /acks/0',
    ]);
    sinon.assert.notCalled(control.applyLimits);
    sinon.assert.notCalled(control.ack);
  });

  it('reports the engine refusing limits as the reason, and nothing else is applied', () => {
    control.applyLimits.returns({ ok: false, reasons: ['hi 60 is above hihi 50'] });
    bus.emit('alarm', { ...alarmEvent(), seq: 1 });
    link.deliver('twin/desired', {
      clientToken: 't4',
      by: { user: 'ops' },
      ifLimitsVersion: twin.twin.reported.limitsVersion,
      limits: { 'gas-1/lel1/hi': { value: 60 } },
      acks: ['gas-1/lel1/hihi'],
    });
    const [result] = link.on<TwinDesiredResult>('twin/desired/result');
    assert.equal(result?.status, 'rejected');
    assert.deepEqual(
      result?.reasons.map((r) => r.code),
      ['LL_ERR_TWIN_LIMIT_REFUSED'],
    );
    assert.match(result?.reasons[0]?.message ?? '', /hi 60 is above hihi 50/);
    sinon.assert.notCalled(control.ack);
  });

  it('answers cmd/ack and cmd/shelve through AlarmControl, and refuses the unauthorised', () => {
    link.deliver('cmd/ack', { clientToken: 'a1', alarmId: 'gas-1/lel1/hihi', by: { user: 'viewer', comment: 'seen' } });
    link.deliver('cmd/shelve', { clientToken: 's1', alarmId: 'gas-1/lel1/hihi', durationMs: 60_000, by: { user: 'viewer' } });
    link.deliver('cmd/shelve', { clientToken: 's2', alarmId: 'gas-1/lel1/hihi', durationMs: 60_000, by: { user: 'ops' } });
    link.deliver('cmd/ack', { clientToken: 'a2', alarmId: 'gas-1/lel1' });
    sinon.assert.calledOnceWithExactly(control.ack, 'gas-1/lel1/hihi', { user: 'viewer', comment: 'seen' });
    sinon.assert.calledOnceWithExactly(control.shelve, 'gas-1/lel1/hihi', 60_000, { user: 'ops' });
    const acks = link.on<CommandResult>('cmd/ack/result');
    const shelves = link.on<CommandResult>('cmd/shelve/result');
    assert.deepEqual(
      acks.map((r) => [r.clientToken, r.ok, r.state ?? r.code]),
      [
        ['a1', true, 'acknowledged'],
        ['a2', false, 'LL_ERR_TWIN_COMMAND_INVALID'],
      ],
    );
    assert.deepEqual(
      shelves.map((r) => [r.clientToken, r.ok, r.state ?? r.code]),
      [
        ['s1', false, 'LL_ERR_TWIN_UNAUTHORISED'],
        ['s2', true, 'shelved'],
      ],
    );
  });

  it('ignores a retained command or desired change: it would repeat at every restart', () => {
    const retained = { retain: true };
    link.deliver('cmd/ack', { clientToken: 'old-a', alarmId: 'gas-1/lel1/hihi', by: { user: 'ops' } }, retained);
    link.deliver('cmd/shelve', { clientToken: 'old-s', alarmId: 'gas-1/lel1/hihi', durationMs: 60_000, by: { user: 'ops' } }, retained);
    link.deliver('cmd/resync', { clientToken: 'old-r' }, retained);
    link.deliver('twin/desired', { clientToken: 'old-d', by: { user: 'ops' }, acks: ['gas-1/lel1/hihi'] }, retained);
    sinon.assert.notCalled(control.ack);
    sinon.assert.notCalled(control.shelve);
    assert.equal(link.on('twin').length, 0, 'no resync');
    assert.equal(link.sent.length, 0, 'nothing answered');
  });

  it('refuses a command issued outside the window or with a clientToken seen before', () => {
    const window = site.twin.commandMaxAgeMs;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const ack = (clientToken: string, issuedAt: string) =>
      link.deliver('cmd/ack', { clientToken, issuedAt, alarmId: 'gas-1/lel1/hihi', by: { user: 'ops' } });
    ack('late', at(-window - 1));
    ack('early', at(window + 1));
    ack('edge', at(-window));
    ack('edge', at(0));
    ack('no-time', 'yesterday');
    const acks = link.on<CommandResult>('cmd/ack/result');
    assert.deepEqual(
      acks.map((r) => [r.clientToken, r.ok, r.state ?? r.code]),
      [
        ['late', false, 'LL_ERR_TWIN_STALE_REQUEST'],
        ['early', false, 'LL_ERR_TWIN_STALE_REQUEST'],
        ['edge', true, 'acknowledged'],
        ['edge', false, 'LL_ERR_TWIN_REPLAYED'],
        ['no-time', false, 'LL_ERR_TWIN_COMMAND_INVALID'],
      ],
    );
    sinon.assert.calledOnce(control.ack);
    // A token is remembered for as long as a request with it could be fresh, then forgotten.
    clock.tick(window + 1);
    ack('edge', at(0));
    sinon.assert.calledTwice(control.ack);
  });

  it('refuses a stale or replayed desired change, applying nothing', () => {
    const body = { clientToken: 'd1', by: { user: 'ops' }, ifLimitsVersion: twin.twin.reported.limitsVersion };
    const limits = { 'gas-1/lel1/hihi': { value: 40 } };
    link.deliver('twin/desired', { ...body, issuedAt: new Date(Date.now() - site.twin.commandMaxAgeMs - 1).toISOString(), limits });
    link.deliver('twin/desired', { ...body, limits });
    link.deliver('twin/desired', { ...body, limits });
    const results = link.on<TwinDesiredResult>('twin/desired/result');
    assert.deepEqual(
      results.map((r) => [r.status, r.reasons.map((x) => `${x.code} ${x.path}`).join()]),
      [
        ['rejected', 'LL_ERR_TWIN_STALE_REQUEST /issuedAt'],
        ['accepted', ''],
        ['rejected', 'LL_ERR_TWIN_REPLAYED /clientToken'],
      ],
    );
    sinon.assert.calledOnce(control.applyLimits);
  });

  it('on the local broker grants follow the logged-in user, and centre-only grants do not apply', () => {
    const local = new FakeLink('local');
    const rules = [
      { user: 'hmi', origin: 'local' as const, may: ['ack' as const] },
      { user: '*', origin: 'centre' as const, may: ['ack' as const, 'shelve' as const] },
    ];
    twin.stop();
    twin = startTwin({ ...site, twin: { ...site.twin, authorise: rules } }, bus, control, local);
    local.deliver('cmd/ack', { clientToken: 'l1', alarmId: 'gas-1/lel1/hihi', by: { user: 'hmi' } });
    local.deliver('cmd/shelve', { clientToken: 'l2', alarmId: 'gas-1/lel1/hihi', durationMs: 60_000, by: { user: 'hmi' } });
    local.deliver('cmd/ack', { clientToken: 'l3', alarmId: 'gas-1/lel1/hihi', by: { user: 'contractor' } });
    assert.deepEqual(
      [...local.on<CommandResult>('cmd/ack/result'), ...local.on<CommandResult>('cmd/shelve/result')].map((r) => [
        r.clientToken,
        r.ok,
        r.state ?? r.code,
      ]),
      [
        ['l1', true, 'acknowledged'],
        ['l3', false, 'LL_ERR_TWIN_UNAUTHORISED'],
        ['l2', false, 'LL_ERR_TWIN_UNAUTHORISED'],
      ],
    );
    sinon.assert.notCalled(control.shelve);
  });

  it('answers cmd/resync with a full twin, at most one per resyncMinIntervalMs', () => {
    link.deliver('cmd/resync', { clientToken: 'r1', reason: 'gap' });
    link.deliver('cmd/resync', { clientToken: 'r2' });
    assert.equal(link.on('twin').length, 1);
    clock.tick(site.twin.resyncMinIntervalMs);
    assert.equal(link.on('twin').length, 2);
    assert.deepEqual(
      link.on<CommandResult>('cmd/resync/result').map((r) => [r.clientToken, r.ok, r.version]),
      [
        ['r1', true, 1],
        ['r2', true, 1],
      ],
    );
  });

  it('reflects alarm events in alarms, alarmSeq and the point alarm state', () => {
    bus.emit('alarm', { ...alarmEvent(), seq: 1 });
    clock.tick(100);
    assert.equal(twin.twin.reported.alarms['gas-1/lel1/hihi']?.state, 'unacknowledged');
    assert.equal(twin.twin.reported.devices['gas-1']?.points.lel1?.alarm, 'unacknowledged');
    bus.emit('alarm', { ...alarmEvent(), seq: 2, event: 'clear', state: 'normal' });
    clock.tick(100);
    assert.deepEqual(twin.twin.reported.alarms, {});
    assert.equal(twin.twin.reported.alarmSeq, 2);
    assert.equal(twin.twin.reported.devices['gas-1']?.points.lel1?.alarm, 'normal');
  });

  it('republishes the retained twin once changes pause for snapshotQuietMs', () => {
    birth();
    bus.emit('readings', [reading(5)]);
    clock.tick(100);
    assert.equal(link.on('twin/patch').length, 1);
    assert.equal(link.on('twin').length, 1, 'a small patch does not outweigh the twin');
    clock.tick(site.twin.snapshotQuietMs - 200);
    bus.emit('readings', [reading(6)]);
    clock.tick(100);
    assert.equal(link.on('twin/patch').length, 2);
    clock.tick(site.twin.snapshotQuietMs - 1);
    assert.equal(link.on('twin').length, 1, 'not yet quiet long enough');
    clock.tick(1);
    clock.tick(site.twin.snapshotQuietMs);
    const snapshots = link.on<TwinSnapshot>('twin');
    assert.equal(snapshots.length, 2);
    assert.equal(snapshots[1]?.version, 3);
    clock.tick(site.twin.snapshotQuietMs * 2);
    assert.equal(link.on('twin').length, 2, 'nothing changed since: no more');
  });
});

function alarmEvent() {
  return {
    event: 'raise' as const,
    alarmId: 'gas-1/lel1/hihi',
    eventId: 'gas-1/lel1/hihi#1@test',
    site: 'test-site',
    gateway: 'gw-test',
    device: 'gas-1',
    point: 'lel1',
    condition: 'hihi' as const,
    priority: 1 as const,
    colour: 'red' as const,
    state: 'unacknowledged' as const,
    value: 60,
    limit: 50,
    hysteresis: 2,
    unit: '%LEL',
    sourceTs: new Date().toISOString(),
    detectedAt: new Date().toISOString(),
    publishedAt: new Date().toISOString(),
    seq: 1,
    bootId: 'boot-1',
  };
}

describe('twin: gateway side, limits and merged acks', () => {
  let clock: sinon.SinonFakeTimers;
  afterEach(() => clock.restore());

  it('applies acks and shelving together, reports refreshed limits and a new limitsVersion', async () => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    const loaded = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    const site = { ...loaded, twin: { ...loaded.twin, authorise: [{ user: 'ops', may: ['limits', 'ack', 'shelve'] as const }] } };
    let limits = configuredLimits(site);
    const control: AlarmControl = {
      ack: sinon.stub().returns({ ok: true, alarmId: 'gas-1/lel1/hihi', state: 'acknowledged' }),
      shelve: sinon.stub().returns({ ok: false, code: 'LL_ERR_ALARM_NOT_ACTIVE', reason: 'cleared meanwhile' }),
      unshelve: sinon.stub(),
      applyLimits: sinon.stub().callsFake(() => {
        limits = limits.map((l) => (l.condition === 'hihi' && l.point === 'lel1' ? { ...l, value: 40 } : l));
        return { ok: true };
      }),
      limits: () => limits,
    };
    const bus = testBus();
    const link = new FakeLink();
    const twin = startTwin(site, bus, control, link);
    bus.emit('alarm', { ...alarmEvent(), seq: 1 });
    const before = twin.twin.reported.limitsVersion;
    link.deliver('twin/desired', {
      clientToken: 'm1',
      by: { user: 'ops' },
      ifLimitsVersion: before,
      limits: { 'gas-1/lel1/hihi': { value: 40 } },
      acks: ['gas-1/lel1/hihi'],
      shelve: { 'gas-1/lel1/hihi': { durationMs: 60_000 } },
    });
    const [result] = link.on<TwinDesiredResult>('twin/desired/result');
    assert.equal(result?.status, 'accepted');
    assert.deepEqual(
      result?.reasons.map((r) => [r.code, r.path]),
      [['LL_ERR_ALARM_NOT_ACTIVE', '/shelve/gas-1~1lel1~1hihi']],
    );
    assert.notEqual(result?.limitsVersion, before);
    assert.equal(twin.twin.reported.limits['gas-1/lel1/hihi']?.value, 40);
    const patch = link.on<TwinPatch>('twin/patch').at(-1);
    assert.equal(
      (patch?.patch as { limitsVersion?: string } | undefined)?.limitsVersion,
      result?.limitsVersion,
      'the patch went out before the answer',
    );
    twin.stop();
  });
});
