import type { AlarmEvent } from '@lifeline/twin';
import { gatewayTopics, parseGatewayTopic, ReportedTwin, type TwinReported } from '@lifeline/twin';
import { connectAsync, type MqttClient } from 'mqtt';

/**
 * Lightweight simulated gateways for the centre's fleet test and benchmark:
 * each a ReportedTwin speaking the real contract (retained status and twin,
 * twin patches, alarm events with seq, a full twin on `cmd/resync`), many
 * per MQTT connection, all in one process.
 */
export class SimFleet {
  readonly gateways: SimGateway[] = [];
  readonly #clients: MqttClient[] = [];
  readonly #byKey = new Map<string, SimGateway>();
  resyncsAnswered = 0;
  eventsPublished = 0;

  static async start(brokerUrl: string, count: number, perConnection = 100): Promise<SimFleet> {
    const fleet = new SimFleet();
    for (let c = 0; c * perConnection < count; c++) {
      const client = await connectAsync(brokerUrl, { clientId: `sim-fleet-${c}-${process.pid}`, protocolVersion: 5 });
      fleet.#clients.push(client);
      await client.subscribeAsync(`lifeline/v1/+/+/cmd/resync`, { qos: 1 });
      client.on('message', (topic) => fleet.#onCommand(topic, client));
    }
    for (let i = 0; i < count; i++) {
      const g = new SimGateway(fleet.#clients[Math.floor(i / perConnection)] as MqttClient, `site-${i % 50}`, `gw-${i}`);
      fleet.gateways.push(g);
      fleet.#byKey.set(`${g.site}/${g.gateway}`, g);
    }
    await Promise.all(fleet.gateways.map((g) => g.birth()));
    return fleet;
  }

  /** One change on every gateway: a point value (a patch) and, every `alarmEvery` rounds, an alarm event. */
  async round(n: number, alarmEvery = 2): Promise<void> {
    await Promise.all(
      this.gateways.map(async (g) => {
        await g.change(n);
        if (n % alarmEvery === 0) {
          await g.alarm(n);
          this.eventsPublished += 1;
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#clients.splice(0).map((c) => c.endAsync(true)));
  }

  /** Every connection sees every gateway's `cmd/resync` (one wildcard): only the gateway's own connection answers it. */
  #onCommand(topic: string, via: MqttClient): void {
    const t = parseGatewayTopic(topic);
    const g = t && this.#byKey.get(`${t.site}/${t.gateway}`);
    if (!g || g.client !== via) return;
    this.resyncsAnswered += 1;
    void g.publishSnapshot();
  }
}

export class SimGateway {
  readonly site: string;
  readonly gateway: string;
  readonly bootId: string;
  readonly twin: ReportedTwin;
  seq = 0;
  readonly client: MqttClient;
  readonly #topics: ReturnType<typeof gatewayTopics>;

  constructor(client: MqttClient, site: string, gateway: string) {
    this.client = client;
    this.site = site;
    this.gateway = gateway;
    this.bootId = `boot-${gateway}-${Date.now().toString(36)}`;
    this.#topics = gatewayTopics(site, gateway);
    this.twin = new ReportedTwin({ site, gateway, bootId: this.bootId }, initialReported());
  }

  async birth(): Promise<void> {
    const status = { online: true, bootId: this.bootId, ts: new Date().toISOString(), version: '0.1.0' };
    await this.client.publishAsync(this.#topics.status, JSON.stringify(status), { qos: 1, retain: true });
    await this.publishSnapshot();
  }

  publishSnapshot(): Promise<unknown> {
    return this.client.publishAsync(this.#topics.twin, JSON.stringify(this.twin.snapshot(Date.now())), { qos: 1, retain: true });
  }

  async change(n: number): Promise<void> {
    this.twin.set(['devices', 'meter', 'points', 'p1'], { value: n, quality: 'good', unit: 'kV', alarm: 'normal' });
    const patch = this.twin.takePatch(Date.now());
    if (patch) await this.client.publishAsync(this.#topics.twinPatch, JSON.stringify(patch), { qos: 1 });
  }

  async alarm(n: number): Promise<AlarmEvent> {
    this.seq += 1;
    const now = new Date().toISOString();
    const raise = this.seq % 2 === 1;
    const event: AlarmEvent = {
      event: raise ? 'raise' : 'clear',
      alarmId: 'meter/p1/hi',
      eventId: `meter/p1/hi#${this.seq}@${this.bootId}`,
      site: this.site,
      gateway: this.gateway,
      device: 'meter',
      point: 'p1',
      condition: 'hi',
      priority: 2,
      colour: 'orange',
      state: raise ? 'unacknowledged' : 'returned-unacknowledged',
      value: n,
      limit: 10,
      hysteresis: 1,
      unit: 'kV',
      sourceTs: now,
      detectedAt: now,
      publishedAt: now,
      seq: this.seq,
      bootId: this.bootId,
    };
    await this.client.publishAsync(this.#topics.alarms, JSON.stringify(event), { qos: 1 });
    return event;
  }
}

function initialReported(): TwinReported {
  return {
    gateway: { softwareVersion: '0.1.0', startedAt: new Date().toISOString(), configVersion: 'sim', devicesOnline: 1, devicesTotal: 1 },
    devices: { meter: { name: 'meter', profile: 'power-meter', comm: 'online', points: {} } },
    limits: {},
    limitsVersion: 'none',
    alarms: {},
    alarmSeq: 0,
  };
}
