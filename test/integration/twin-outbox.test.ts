import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type RunningCentre, startCentre } from '@lifeline/twin/centre';
import { pino } from 'pino';
import type { RunningDemo } from '../../demo/src/demo.js';
import type { GatewayTwin } from '../../gateway/src/twin/index.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { eventually } from '../support/durable-collector.js';
import { FIXTURES } from '../support/fixtures.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';
import { tempStateDir } from '../support/state-dir.js';
import { memoryOf } from '../support/twin-link.js';

const SITE = 'test-site';
const GW = 'gw-test';

/**
 * Twin changes go through the outbox's twin lane (docs/twin.md "Delivery
 * through the outbox"): while the centre broker (a real Mosquitto) is down
 * they wait in the outbox for the centre sink, and when it is back the
 * centre's mirror converges to the gateway's version, also when the gateway
 * restarted (a new boot) meanwhile.
 */
describe('integration: twin changes through the outbox across a centre outage (Mosquitto)', () => {
  let broker: MosquittoBroker;
  let centre: RunningCentre | undefined;
  let site: RunningDemo | undefined;
  const stateDir = () => tempStateDir();

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
    centre = await startCentre({
      brokerUrl: broker.url,
      httpHost: '127.0.0.1',
      httpPort: 0,
      log: pino({ level: 'silent' }),
      resyncRetryMs: 200,
    });
  });

  afterEach(async () => {
    await site?.stop();
    site = undefined;
    await centre?.stop();
    centre = undefined;
    await broker?.dispose();
  });

  const mirror = () => memoryOf(centre)?.twinNow(SITE, GW);
  const describeState = (twin: GatewayTwin | undefined) => () =>
    `mirror ${mirror()?.bootId}@${mirror()?.version}, gateway ${twin?.twin.identity.bootId}@${twin?.twin.version}`;
  /** The mirror holds exactly the gateway's twin: same boot, same version, equal document. */
  const converged = (twin: GatewayTwin | undefined) => {
    const copy = mirror();
    return (
      twin !== undefined &&
      copy?.bootId === twin.twin.identity.bootId &&
      copy.version === twin.twin.version &&
      !twin.twin.dirty &&
      JSON.stringify(copy.reported) === JSON.stringify(twin.twin.reported)
    );
  };
  const lel1 = () => mirror()?.reported?.devices['gas-1']?.points.lel1?.value;
  const twinLane = (running: RunningDemo, sink: string) => running.gateway.delivery.stats().sinks[sink]?.lanes.twin;
  const open = (dir: string) => startSite(join(FIXTURES, 'gas-site.yaml'), { centreUrl: broker.url, stateDir: dir });

  /** Up and converged, then the centre broker stops and the gateway sees its link down. */
  async function convergedThenOutage(running: RunningDemo): Promise<void> {
    await eventually('convergence before the outage', () => converged(running.gateway.twin), 10_000, describeState(running.gateway.twin));
    await broker.stop();
    await eventually('the centre link down', () => running.gateway.delivery.uplinks().centre?.connected === false);
  }

  it('holds the twin changes made during a broker outage in the outbox and delivers them when the broker is back', async function () {
    this.timeout(30_000);
    const running = await open(stateDir());
    site = running;
    await convergedThenOutage(running);
    const before = running.gateway.twin?.twin.version ?? 0;
    await setPoint(running.urls.simulator, 'gas-1', 'lel1', 33);
    await eventually('the change in the twin', () => running.gateway.twin?.twin.reported.devices['gas-1']?.points.lel1?.value === 33);
    await eventually('the change committed for the centre', () => (twinLane(running, 'centre')?.pending ?? 0) > 0);
    // The local broker, never down, took it from the same lane at once.
    await eventually('the local sink caught up', () => twinLane(running, 'local')?.pending === 0);
    assert.notEqual(lel1(), 33, 'the mirror cannot have it yet');

    await broker.start();
    const twin = running.gateway.twin;
    await eventually('convergence after the outage', () => converged(twin), 15_000, describeState(twin));
    assert.equal(lel1(), 33);
    assert.ok((mirror()?.version ?? 0) > before);
    await eventually('the twin lane drained for the centre', () => twinLane(running, 'centre')?.pending === 0);
  });

  it('converges to the new boot when the gateway restarts during the outage with twin changes pending', async function () {
    this.timeout(40_000);
    const dir = stateDir();
    const first = await open(dir);
    site = first;
    await convergedThenOutage(first);
    const firstBoot = first.gateway.bootId;
    await setPoint(first.urls.simulator, 'gas-1', 'lel1', 21);
    await eventually('the change committed for the centre', () => (twinLane(first, 'centre')?.pending ?? 0) > 0);
    await first.stop();
    site = undefined;

    // Same state folder: the outbox still holds the old boot's twin changes for the centre.
    const second = await open(dir);
    site = second;
    assert.notEqual(second.gateway.bootId, firstBoot);
    await setPoint(second.urls.simulator, 'gas-1', 'lel1', 44);
    await eventually('the change in the new twin', () => second.gateway.twin?.twin.reported.devices['gas-1']?.points.lel1?.value === 44);
    await eventually('committed for the centre', () => (twinLane(second, 'centre')?.pending ?? 0) > 0);

    await broker.start();
    const twin = second.gateway.twin;
    await eventually('convergence on the new boot', () => converged(twin), 15_000, describeState(twin));
    assert.equal(mirror()?.bootId, second.gateway.bootId);
    assert.equal(lel1(), 44);
  });
});
