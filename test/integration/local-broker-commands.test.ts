import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, gatewayTopics, type TwinDesiredResult } from '@lifeline/twin';
import { connectAsync, type MqttClient } from 'mqtt';
import type { RunningDemo } from '../../demo/src/demo.js';
import type { AuditEntry } from '../../gateway/src/audit/audit-log.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { eventually } from '../support/durable-collector.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';

const T = gatewayTopics('test-site', 'gw-test');
const ALARM = 'gas-1/lel1/hihi';
const USERS = `    users:
      - { username: ops, password: ops-pw, subscribe: ["lifeline/v1/#"], publish: ["lifeline/v1/#"] }
      - { username: contractor, password: contractor-pw, subscribe: ["lifeline/v1/#"], publish: ["lifeline/v1/#"] }`;

const siteYaml = (users: boolean) => `
site: test-site
gateway: gw-test
http: { host: 127.0.0.1, port: 0 }
mqtt:
  local:
    host: 127.0.0.1
    port: 0
${users ? USERS : ''}
simulator: { http: { host: 127.0.0.1, port: 0 } }
twin:
  coalesceMs: 50
  authorise:
    - { user: ops, origin: local, may: [ack, shelve, limits] }
    - { user: "*", origin: centre, may: [ack, shelve] }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
`;

/** The gateway's audit trail, as an operator reads it over the API. */
async function audit(running: RunningDemo): Promise<AuditEntry[]> {
  const res = await fetch(`${running.urls.dashboard}api/audit?limit=1000`, {
    headers: { authorization: `Bearer ${running.operatorToken}` },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as AuditEntry[];
}

const request = (body: Record<string, unknown>) =>
  JSON.stringify({ clientToken: randomUUID(), issuedAt: new Date().toISOString(), ...body });

/**
 * Who may silence an alarm on the gateway's own broker (docs/security.md):
 * the identity comes from the MQTT login, never from the payload. Every
 * command and desired change from an anonymous client, a wrongly-granted
 * user or one naming someone else changes nothing; a granted user's does.
 */
describe('local broker: commands only from logged-in, granted users', () => {
  let dir: string;
  const clients: MqttClient[] = [];
  let site: RunningDemo | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-cmd-'));
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await site?.stop();
    site = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (users: boolean, centreUrl?: string) => {
    await writeFile(join(dir, 'site.yaml'), siteYaml(users));
    site = await startSite(join(dir, 'site.yaml'), { stateDir: join(dir, 'state'), ...(centreUrl ? { centreUrl } : {}) });
    return site;
  };
  const login = async (username?: string, password?: string) => {
    const c = await connectAsync(site?.urls.mqtt as string, {
      reconnectPeriod: 0,
      ...(username ? { username, password } : {}),
    });
    clients.push(c);
    return c;
  };
  const alarmState = () => site?.gateway.alarms.activeAlarms().find((a) => a.alarmId === ALARM)?.state;
  const raise = async (running: RunningDemo) => {
    await setPoint(running.urls.simulator, 'gas-1', 'lel1', 70);
    await eventually('the hihi alarm raised', () => alarmState() === 'unacknowledged');
  };
  /** Every command and desired change an operator could send, as `user`. */
  const everything = (user: string): [string, string][] => [
    [T.command('ack'), request({ alarmId: ALARM, by: { user } })],
    [T.command('shelve'), request({ alarmId: ALARM, durationMs: 600_000, by: { user } })],
    [T.twinDesired, request({ by: { user }, acks: [ALARM] })],
    [T.twinDesired, request({ by: { user }, shelve: { [ALARM]: { durationMs: 600_000 } } })],
  ];

  it('an anonymous client of an open broker can neither command nor fake the gateway status', async () => {
    const running = await start(false);
    await raise(running);
    const watcher = await MqttCollector.open(running.urls.mqtt as string, `${T.prefix}/#`);
    await watcher.waitFor((m) => m.topic === T.status && m.retain, 5000, 'the retained status');
    const commands = [...everything('anyone-on-the-lan'), [T.command('resync'), request({})] as [string, string]];
    for (const [topic, payload] of [...commands, [T.status, JSON.stringify({ online: false })] as [string, string]]) {
      const anonymous = await login();
      const closed = new Promise<void>((resolve) => anonymous.once('close', () => resolve()));
      // MQTT 3.1.1 has no negative PUBACK: the broker closes the connection instead [MQTT-3.3.5-2].
      anonymous.publish(topic, payload, { qos: 1, retain: topic === T.status });
      await closed;
    }
    assert.equal(alarmState(), 'unacknowledged');
    assert.ok(running.gateway.endpoints, 'still running');
    const late = await MqttCollector.open(running.urls.mqtt as string, T.status);
    const status = await late.waitFor((m) => m.retain, 5000, 'the retained status');
    assert.equal((status.payload as { online: boolean }).online, true, 'the fake offline status was not kept');
    assert.equal(watcher.messages.filter((m) => m.topic.includes('/result')).length, 0, 'nothing reached the twin');
    const refusals = (await audit(running)).map((e) => `${e.principal} ${e.action} ${e.code}`);
    assert.equal(refusals.filter((r) => r === 'anonymous publish anonymous-command').length, 5, refusals.join('\n'));
    assert.equal(refusals.filter((r) => r === 'anonymous publish gateway-topic').length, 1, refusals.join('\n'));
    await late.close();
    await watcher.close();
  });

  it('a wrongly-granted user is refused everything, one naming another user is cut off, the granted one is obeyed', async () => {
    const running = await start(true);
    await raise(running);
    const contractor = await login('contractor', 'contractor-pw');
    const results = new Map<string, CommandResult | TwinDesiredResult>();
    contractor.on('message', (_t, payload) => {
      const r = JSON.parse(payload.toString()) as CommandResult;
      results.set(r.clientToken, r);
    });
    await contractor.subscribeAsync([T.commandResult('+'), T.twinDesiredResult], { qos: 1 });
    const sent = everything('contractor');
    for (const [topic, payload] of sent) await contractor.publishAsync(topic, payload, { qos: 1 });
    await eventually('every refusal answered', () => results.size === sent.length);
    for (const [topic, payload] of sent) {
      const r = results.get((JSON.parse(payload) as { clientToken: string }).clientToken);
      const code = r && 'ok' in r ? r.code : r?.reasons[0]?.code;
      assert.equal(code, 'LL_ERR_TWIN_UNAUTHORISED', `${topic}: ${JSON.stringify(r)}`);
    }
    assert.equal(alarmState(), 'unacknowledged');

    // Naming the granted user does not borrow its grants: the broker refuses the publish.
    for (const [topic, payload] of everything('ops')) {
      const forger = await login('contractor', 'contractor-pw');
      const closed = new Promise<void>((resolve) => forger.once('close', () => resolve()));
      forger.publish(topic, payload, { qos: 1 });
      await closed;
    }
    assert.equal(alarmState(), 'unacknowledged');

    // The check that could have failed: the granted user, naming itself, is obeyed.
    const ops = await login('ops', 'ops-pw');
    await ops.publishAsync(T.command('ack'), request({ alarmId: ALARM, by: { user: 'ops' } }), { qos: 1 });
    await eventually('the ack by ops', () => alarmState() === 'acknowledged');

    // Every attempt is attributable: the audit trail has who, from where and what came of it.
    const trail = (await audit(running)).map((e) => `${e.origin} ${e.principal} ${e.action} ${e.outcome} ${e.code ?? ''}`.trim());
    assert.ok(trail.includes('local contractor ack refused LL_ERR_TWIN_UNAUTHORISED'), trail.join('\n'));
    assert.ok(trail.includes('local contractor shelve refused LL_ERR_TWIN_UNAUTHORISED'), trail.join('\n'));
    assert.ok(trail.includes('local contractor desired refused LL_ERR_TWIN_UNAUTHORISED'), trail.join('\n'));
    assert.equal(trail.filter((t) => t === 'local contractor publish refused forged-user').length, 4, trail.join('\n'));
    assert.ok(trail.includes('local ops ack accepted'), trail.join('\n'));
  });

  it('a retained command waiting on the centre broker does nothing when the gateway restarts', async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    const broker = new MosquittoBroker();
    await broker.start();
    try {
      let running = await start(false, broker.url);
      await raise(running);
      await site?.stop();
      site = undefined;
      const centre = await connectAsync(broker.url, { reconnectPeriod: 0 });
      clients.push(centre);
      const retained = request({ alarmId: ALARM, durationMs: 600_000, by: { user: 'ops' } });
      await centre.publishAsync(T.command('shelve'), retained, { qos: 1, retain: true });
      const answers: CommandResult[] = [];
      centre.on('message', (_t, payload) => answers.push(JSON.parse(payload.toString()) as CommandResult));
      await centre.subscribeAsync(T.commandResult('+'), { qos: 1 });

      running = await start(false, broker.url);
      // A live command after the retained one was delivered at subscribe time: once it is answered, so would be the other.
      const probe = request({ alarmId: 'gas-1/lel1/lolo', by: { user: 'ops' } });
      await eventually('the centre link up', () => running.gateway.delivery.uplinks().centre?.connected === true);
      await centre.publishAsync(T.command('ack'), probe, { qos: 1 });
      const probeToken = (JSON.parse(probe) as { clientToken: string }).clientToken;
      await eventually('the probe answered', () => answers.some((a) => a.clientToken === probeToken));
      assert.deepEqual(
        answers.filter((a) => a.command === 'shelve'),
        [],
        'the retained shelve was not obeyed',
      );
      assert.notEqual(alarmState(), 'shelved');
      await centre.publishAsync(T.command('shelve'), '', { qos: 1, retain: true });
    } finally {
      await site?.stop();
      site = undefined;
      await broker.stop();
    }
  });
});
