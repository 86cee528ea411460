import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gatewayTopics } from '@lifeline/twin';
import { type RunningCentre, startCentre } from '@lifeline/twin/centre';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { systemClock } from '../../core/src/time/clock.js';
import type { RunningDemo } from '../../demo/src/demo.js';
import { GatewayTwin } from '../../gateway/src/twin/index.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { testBus } from '../support/event-bus.js';
import { FIXTURES } from '../support/fixtures.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';
import { memoryOf, SharedClientLink, waitUntil } from '../support/twin-link.js';

const silent = pino({ level: 'silent' });
const SITE = 'test-site';
const GW = 'gw-test';

/** The mirror holds exactly the gateway's twin: same boot, same version, equal document. */
function converged(centre: RunningCentre, twin: GatewayTwin, site = SITE, gateway = GW): boolean {
  const copy = memoryOf(centre)?.twinNow(site, gateway);
  return (
    copy?.bootId === twin.twin.identity.bootId &&
    copy.version === twin.twin.version &&
    !twin.twin.dirty &&
    JSON.stringify(copy.reported) === JSON.stringify(twin.twin.reported)
  );
}

function describeState(centre: RunningCentre, twin: GatewayTwin | undefined, site = SITE, gateway = GW): string {
  const copy = memoryOf(centre)?.twinNow(site, gateway);
  return `mirror ${copy?.bootId}@${copy?.version}, gateway ${twin?.twin.identity.bootId}@${twin?.twin.version}`;
}

describe('integration: twin sync between gateway and centre mirror over Mosquitto', () => {
  let broker: MosquittoBroker;
  let centre: RunningCentre | undefined;
  let site: RunningDemo | undefined;
  let client: MqttClient | undefined;
  let twin: GatewayTwin | undefined;

  beforeEach(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
  });

  afterEach(async () => {
    twin?.stop();
    twin = undefined;
    await client?.endAsync(true);
    client = undefined;
    await site?.stop();
    site = undefined;
    await centre?.stop();
    centre = undefined;
    await broker?.stop();
  });

  const start = (resyncRetryMs = 200) =>
    startCentre({ brokerUrl: broker.url, httpHost: '127.0.0.1', httpPort: 0, log: silent, resyncRetryMs });

  it('converges after random patch loss (30 % of patches dropped)', async () => {
    centre = await start();
    const loaded = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    const config = { ...loaded, twin: { ...loaded.twin, coalesceMs: 10, snapshotQuietMs: 300 } };
    client = await connectAsync(broker.url, { clientId: 'sim-gw' });
    let n = 0;
    const link = new SharedClientLink(client, 'lossy', (topic) => topic.endsWith('/twin/patch') && n++ % 10 < 3);
    const bus = testBus();
    twin = new GatewayTwin({
      config,
      bootId: 'boot-lossy',
      softwareVersion: '0.1.0',
      events: bus,
      alarms: undefined,
      clock: systemClock,
      log: silent,
    });
    twin.start([link]);
    link.birth(gatewayTopics(SITE, GW).status, 'boot-lossy');
    const points = config.devices[0]?.points.map((p) => p.id) ?? [];
    for (let i = 0; i < 120; i++) {
      const point = points[i % points.length] as string;
      bus.emit('readings', [{ device: 'gas-1', point, value: i, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() }]);
      if (i % 15 === 0)
        bus.emit('comm', i % 30 === 0 ? { device: 'gas-1', state: 'online' } : { device: 'gas-1', state: 'offline', reason: 'timeout' });
      await new Promise((r) => setTimeout(r, 12));
    }
    const running = centre;
    const gw = twin;
    await waitUntil(
      () => converged(running, gw),
      8000,
      'convergence',
      () => describeState(running, gw),
    );
    assert.ok(link.dropped > 0, 'patches were lost');
    assert.ok(twin.twin.version > 20);
  });

  it('converges with a real gateway, and again after the gateway restarts with a new bootId', async () => {
    centre = await start();
    site = await startSite(join(FIXTURES, 'gas-site.yaml'), { centreUrl: broker.url });
    const running = centre;
    const first = site.gateway;
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 12.5);
    await waitUntil(
      () => memoryOf(centre)?.twinNow(SITE, GW)?.reported?.devices['gas-1']?.points.lel1?.value === 12.5,
      8000,
      'the new value at the mirror',
      () => describeState(running, first.twin),
    );
    await waitUntil(
      () => first.twin !== undefined && converged(running, first.twin),
      8000,
      'convergence',
      () => describeState(running, first.twin),
    );
    assert.equal(memoryOf(centre)?.gatewaysNow()[0]?.online, true);

    await site.stop();
    await waitUntil(() => memoryOf(centre)?.gatewaysNow()[0]?.online === false, 5000, 'offline status');
    site = await startSite(join(FIXTURES, 'gas-site.yaml'), { centreUrl: broker.url });
    const second = site.gateway;
    assert.notEqual(second.bootId, first.bootId);
    await waitUntil(
      () => second.twin !== undefined && converged(running, second.twin),
      8000,
      'convergence on the new boot',
      () => describeState(running, second.twin),
    );
    assert.equal(memoryOf(centre)?.gatewaysNow()[0]?.online, true);
  });

  it('a restarted mirror rebuilds every twin from retained state, without asking for a resync', async () => {
    site = await startSite(join(FIXTURES, 'gas-site.yaml'), { centreUrl: broker.url });
    centre = await start();
    const gw = site.gateway;
    await setPoint(site.urls.simulator, 'gas-1', 'lel2', 7);
    const firstCentre = centre;
    await waitUntil(
      () => gw.twin !== undefined && converged(firstCentre, gw.twin),
      8000,
      'convergence',
      () => describeState(firstCentre, gw.twin),
    );
    await centre.stop();
    centre = undefined;
    // Changes while no mirror runs: the next retained twin or patches carry them.
    await setPoint(site.urls.simulator, 'gas-1', 'lel2', 9);
    await new Promise((r) => setTimeout(r, 300));
    centre = await start(60_000);
    const restarted = centre;
    await waitUntil(
      () => gw.twin !== undefined && converged(restarted, gw.twin),
      8000,
      'rebuilt twin',
      () => describeState(restarted, gw.twin),
    );
    assert.equal(memoryOf(restarted)?.twinNow(SITE, GW)?.reported?.devices['gas-1']?.points.lel2?.value, 9);
  });
});
