import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gatewayTopics } from '@lifeline/twin';
import { type GatewaySummary, type RunningCentre, startCentre } from '@lifeline/twin/centre';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { systemClock } from '../../core/src/time/clock.js';
import { GatewayTwin } from '../../gateway/src/twin/index.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { testBus } from '../support/event-bus.js';
import { FIXTURES } from '../support/fixtures.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { memoryOf, SharedClientLink, waitUntil } from '../support/twin-link.js';

const GATEWAYS = 200;
const CONNECTIONS = 20;
const silent = pino({ level: 'silent' });

/**
 * 200 gateways' twin traffic into one mirror: each a real GatewayTwin fed
 * synthetic readings, comm changes and alarm events, publishing over MQTT
 * (10 gateways per connection) to a real Mosquitto, with 5 % of patches lost.
 */
describe('integration: a fleet of 200 gateways converges in one mirror', function () {
  this.timeout(30_000);
  let broker: MosquittoBroker;
  let centre: RunningCentre | undefined;
  const clients: MqttClient[] = [];
  const twins: GatewayTwin[] = [];

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
  });

  after(async () => {
    for (const t of twins.splice(0)) t.stop();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await centre?.stop();
    await broker?.stop();
  });

  it('every twin at the mirror equals its gateway', async () => {
    centre = await startCentre({ brokerUrl: broker.url, httpHost: '127.0.0.1', httpPort: 0, log: silent, resyncRetryMs: 500 });
    const base = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    for (let c = 0; c < CONNECTIONS; c++) {
      const client = await connectAsync(broker.url, { clientId: `fleet-${c}` });
      client.setMaxListeners(0);
      clients.push(client);
    }
    let published = 0;
    const buses: ReturnType<typeof testBus>[] = [];
    for (let i = 0; i < GATEWAYS; i++) {
      const config = { ...base, site: `site-${i % 40}`, gateway: `gw-${i}`, twin: { ...base.twin, coalesceMs: 50, snapshotQuietMs: 500 } };
      const link = new SharedClientLink(
        clients[i % CONNECTIONS] as MqttClient,
        `fleet-${i}`,
        (t) => t.endsWith('/twin/patch') && published++ % 20 === 7,
      );
      const bus = testBus();
      const twin = new GatewayTwin({
        config,
        bootId: `boot-${i}`,
        softwareVersion: '0.1.0',
        events: bus,
        alarms: undefined,
        clock: systemClock,
        log: silent,
      });
      twin.start([link]);
      link.birth(gatewayTopics(config.site, config.gateway).status, `boot-${i}`);
      twins.push(twin);
      buses.push(bus);
    }
    const points = base.devices[0]?.points.map((p) => p.id) ?? [];
    for (let round = 0; round < 8; round++) {
      for (const [i, bus] of buses.entries()) {
        const point = points[(i + round) % points.length] as string;
        bus.emit('readings', [{ device: 'gas-1', point, value: i * 10 + round, quality: 'good', sourceTs: Date.now(), rxTs: Date.now() }]);
        if (round === 2) bus.emit('comm', { device: 'gas-1', state: 'online' });
      }
      await new Promise((r) => setTimeout(r, 120));
    }
    const running = centre;
    const lagging = () =>
      twins.filter((t) => {
        const copy = memoryOf(running)?.twinNow(t.twin.identity.site, t.twin.identity.gateway);
        return !(copy?.version === t.twin.version && !t.twin.dirty && JSON.stringify(copy.reported) === JSON.stringify(t.twin.reported));
      });
    await waitUntil(
      () => lagging().length === 0,
      15_000,
      'all 200 twins to converge',
      () => `${lagging().length} still behind`,
    );
    const list = (await (await fetch(`${running.url}/api/twins`)).json()) as GatewaySummary[];
    assert.equal(list.length, GATEWAYS);
    assert.ok(list.every((g) => g.devicesOnline === 1));
    assert.ok(twins.every((t) => t.twin.version >= 8));
  });
});
