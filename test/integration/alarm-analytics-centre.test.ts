import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunningDemo } from '../../demo/src/demo.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import type { AlarmEvent } from '../../twin/src/index.js';
import { FIXTURES } from '../support/fixtures.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { startSite } from '../support/site-harness.js';

/**
 * Issue 22 end to end: the simulator's flapping-limit scenario makes a
 * first-level alarm chatter; the gateway's analytics publish a chatter alarm
 * on …/alarms that a centre subscriber on Mosquitto receives, auto-shelve the
 * chattering alarm (opt-in), and show it in the API, /metrics and the twin.
 */
describe('integration: a chattering alarm reaches the centre over Mosquitto', function () {
  this.timeout(40_000);
  let broker: MosquittoBroker | undefined;
  let site: RunningDemo | undefined;
  let centre: MqttCollector | undefined;

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
    centre = await MqttCollector.open(broker.url, 'lifeline/v1/+/+/alarms');
    site = await startSite(join(FIXTURES, 'alarms/chatter-site.yaml'), { centreUrl: broker.url });
  });
  after(async () => {
    await site?.stop();
    await centre?.close();
    await broker?.stop();
  });

  it('publishes the chatter event with its counts, then the auto-shelve, and shows both everywhere', async () => {
    const running = site as RunningDemo;
    const collector = centre as MqttCollector;
    const res = await fetch(`${running.urls.simulator}/scenarios/flapping-limit/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeScale: 4 }),
    });
    assert.equal(res.status, 200, await res.text());

    const chatter = (
      await collector.waitFor((m) => (m.payload as AlarmEvent).alarmId === 'gas-1/lel2/chatter', 20_000, 'the chatter alarm at the centre')
    ).payload as AlarmEvent;
    assert.equal(chatter.event, 'raise');
    assert.equal(chatter.condition, 'chatter');
    assert.equal(chatter.priority, 4);
    assert.equal(chatter.colour, 'blue');
    assert.equal(chatter.value, 3, 'three raises in the window');
    assert.equal(chatter.limit, 3);
    assert.match(chatter.reason ?? '', /gas-1\/lel2\/hi chattering: 3 raises in 60 s/);
    assert.equal(chatter.gateway, 'gw-test');

    const shelve = (
      await collector.waitFor(
        (m) => (m.payload as AlarmEvent).alarmId === 'gas-1/lel2/hi' && (m.payload as AlarmEvent).event === 'shelve',
        10_000,
        'the auto-shelve at the centre',
      )
    ).payload as AlarmEvent;
    assert.equal(shelve.user, 'system');
    assert.match(shelve.comment ?? '', /auto-shelved for 10 min: chattering/);
    const raises = collector.messages.filter(
      (m) => (m.payload as AlarmEvent).alarmId === 'gas-1/lel2/hi' && (m.payload as AlarmEvent).event === 'raise',
    );
    assert.equal(raises.length, 3, 'the shelve stops the raises reaching the centre');

    const analytics = (await (await fetch(`${running.urls.dashboard}api/alarms/analytics`)).json()) as {
      chattering: string[];
      badActors: { alarmId: string; raises: number }[];
    };
    assert.deepEqual(analytics.chattering, ['gas-1/lel2/hi']);
    assert.equal(analytics.badActors[0]?.alarmId, 'gas-1/lel2/hi');
    const metrics = await (await fetch(`${running.urls.dashboard}metrics`)).text();
    assert.match(metrics, /^lifeline_alarm_chattering\{[^}]*\} 1$/m);
    assert.match(metrics, /^lifeline_alarm_bad_actor_raises\{alarm="gas-1\/lel2\/hi"[^}]*\} 3$/m);
    assert.deepEqual(running.gateway.twin?.twin.reported.analytics?.chattering, ['gas-1/lel2/hi']);
    const active = (await (await fetch(`${running.urls.dashboard}api/alarms`)).json()) as AlarmEvent[];
    assert.ok(
      active.some((a) => a.alarmId === 'gas-1/lel2/chatter' && a.state === 'unacknowledged'),
      'listed as active',
    );
    const history = (await (
      await fetch(`${running.urls.dashboard}api/alarms/history?alarmId=gas-1/lel2/hi&limit=1`)
    ).json()) as AlarmEvent[];
    assert.equal(history[0]?.event, 'shelve', 'the auto-shelve is in the journal');
    const audit = await (
      await fetch(`${running.urls.dashboard}api/audit`, { headers: { authorization: `Bearer ${running.operatorToken ?? ''}` } })
    ).json();
    assert.ok(
      (audit as { origin: string; principal: string; action: string; target?: string }[]).some(
        (e) => e.origin === 'gateway' && e.principal === 'system' && e.action === 'shelve' && e.target === 'gas-1/lel2/hi',
      ),
      `the auto-shelve is in the audit trail: ${JSON.stringify(audit)}`,
    );
  });
});
