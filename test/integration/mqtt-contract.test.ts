import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gatewayTopics } from '@lifeline/twin';
import { connectAsync, type MqttClient } from 'mqtt';
import type { RunningDemo } from '../../demo/src/demo.js';
import { type DocumentedChannel, documentedChannels } from '../support/asyncapi-channels.js';
import { FIXTURES } from '../support/fixtures.js';
import { OPS, withOps } from '../support/local-ops.js';
import { MqttCollector, type Received } from '../support/mqtt-collector.js';
import { setPoint, startSite } from '../support/site-harness.js';

const T = gatewayTopics('test-site', 'gw-test');
const ALARM = 'gas-1/lel1/hihi';

/**
 * The MQTT contract as a running gateway keeps it: a real gateway polls the
 * simulator, a test client on its embedded broker provokes every channel the
 * gateway publishes (value changes, an alarm, commands, a desired change), and
 * every message captured is matched to a channel of docs/asyncapi.yaml and
 * validated against that channel's payload schema.
 */
describe('integration: what a running gateway publishes matches docs/asyncapi.yaml', () => {
  let site: RunningDemo | undefined;
  let collector: MqttCollector | undefined;
  let late: MqttCollector | undefined;
  let centre: MqttClient | undefined;
  let channels: DocumentedChannel[];

  before(async () => {
    // The JSON contract only: the Sparkplug channels (protobuf) are checked by sparkplug-interop.test.ts.
    channels = (await documentedChannels()).filter((c) => c.address.startsWith('lifeline/'));
  });

  afterEach(async () => {
    await late?.close();
    await collector?.close();
    await centre?.endAsync(true);
    await site?.stop();
    late = collector = centre = site = undefined;
  });

  const channelOf = (topic: string) => channels.find((c) => c.matches(topic));
  const seen = (c: MqttCollector, topic: string, what: string, extra: (m: Received) => boolean = () => true) =>
    c.waitFor((m) => m.topic === topic && extra(m), 10_000, what);
  const send = (topic: string, payload: object) =>
    centre?.publishAsync(topic, JSON.stringify({ issuedAt: new Date().toISOString(), ...payload }), { qos: 1 });

  it('publishes on every documented send channel, each payload valid, and on no undocumented topic', async () => {
    site = await startSite(join(FIXTURES, 'twin-site.yaml'), { adapt: withOps });
    const url = site.urls.mqtt as string;
    collector = await MqttCollector.open(url, `${T.prefix}/#`, OPS);
    centre = await connectAsync(url, { clientId: `centre-${randomUUID()}`, reconnectPeriod: 0, ...OPS });

    await seen(collector, T.status, 'status');
    await seen(collector, T.twin, 'the retained twin');
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 12.5);
    await seen(collector, T.telemetry, 'telemetry with lel1', (m) => JSON.stringify(m.payload).includes('"lel1"'));
    await seen(collector, T.twinPatch, 'a twin patch');
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 60);
    await seen(collector, T.alarms, `${ALARM} raised`, (m) => (m.payload as { event?: string }).event === 'raise');

    const by = { user: 'ops' };
    await send(T.command('ack'), { clientToken: 'ack-1', alarmId: ALARM, by });
    await seen(collector, T.commandResult('ack'), 'the ack result');
    await send(T.command('shelve'), { clientToken: 'shelve-1', alarmId: ALARM, durationMs: 60_000, by });
    await seen(collector, T.commandResult('shelve'), 'the shelve result');
    await send(T.command('resync'), { clientToken: 'resync-1', reason: 'contract test' });
    await seen(collector, T.commandResult('resync'), 'the resync result');
    await send(T.twinDesired, { clientToken: 'desired-1', by, acks: [ALARM] });
    // Without ifLimitsVersion: rejected.
    await send(T.twinDesired, { clientToken: 'desired-2', by, limits: { [ALARM]: { value: 45 } } });
    await seen(collector, T.twinDesiredResult, 'an accepted desired result', (m) => hasToken(m, 'desired-1'));
    await seen(collector, T.twinDesiredResult, 'a rejected desired result', (m) => hasToken(m, 'desired-2'));

    const problems: string[] = [];
    for (const m of collector.messages) {
      const channel = channelOf(m.topic);
      if (!channel) problems.push(`${m.topic}: no channel of docs/asyncapi.yaml`);
      else if (!channel.validate(m.payload)) problems.push(`${m.topic}: ${JSON.stringify(channel.validate.errors)}`);
    }
    assert.deepEqual(problems, []);
    const published = new Set(collector.messages.map((m) => channelOf(m.topic)?.id));
    const sendChannels = channels.filter((c) => c.action === 'send').map((c) => c.id);
    assert.deepEqual(
      sendChannels.filter((id) => !published.has(id)),
      [],
      'documented send channels the gateway never published on',
    );
  });

  it('retains exactly the channels documented as retained (status, twin)', async () => {
    site = await startSite(join(FIXTURES, 'twin-site.yaml'));
    const url = site.urls.mqtt as string;
    collector = await MqttCollector.open(url, `${T.prefix}/#`);
    await seen(collector, T.twin, 'the twin');
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 12.5);
    await seen(collector, T.telemetry, 'telemetry');
    // A subscriber that comes later gets only what the broker retained.
    late = await MqttCollector.open(url, `${T.prefix}/#`);
    await seen(late, T.status, 'the retained status', (m) => m.retain);
    await seen(late, T.twin, 'the retained twin', (m) => m.retain);
    const retainedTopics = new Set(late.messages.filter((m) => m.retain).map((m) => m.topic));
    assert.deepEqual([...retainedTopics].sort(), [T.status, T.twin].sort());
  });
});

function hasToken(m: Received, token: string): boolean {
  return (m.payload as { clientToken?: string }).clientToken === token;
}
