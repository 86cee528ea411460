import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayTopics } from '@lifeline/twin';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { systemClock } from '../../core/src/time/clock.js';
import { MqttSink } from '../../gateway/src/sinks/mqtt-sink.js';
import { MemoryOutboxStore } from '../../gateway/src/store/memory-outbox-store.js';
import { Outbox } from '../../gateway/src/store/outbox.js';
import { MqttUplink, type UplinkOptions } from '../../gateway/src/uplink/mqtt-uplink.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { eventually } from '../support/durable-collector.js';
import { freePort } from '../support/ports.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { makeCertificates, OPENSSL } from '../support/test-certificates.js';

const log = pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' });
const topics = gatewayTopics('test-site', 'gw-test');
const PASSWD = '/usr/bin/mosquitto_passwd';

describe('centre uplink: TLS, client certificates, credentials, subscriptions across reconnects', () => {
  let dir: string;
  let broker: MosquittoBroker | undefined;
  const uplinks: MqttUplink[] = [];
  const outboxes: Outbox[] = [];

  before(async function () {
    this.timeout(30_000);
    requireBinary(this, MOSQUITTO, 'mosquitto');
    requireBinary(this, OPENSSL, 'openssl');
    dir = await mkdtemp(join(tmpdir(), 'lifeline-tls-'));
    await chmod(dir, 0o755);
    await makeCertificates(dir, {
      cas: ['ca', 'other-ca'],
      leaves: [
        { name: 'server', cn: 'server', ext: 'subjectAltName=IP:127.0.0.1,DNS:localhost' },
        { name: 'client', cn: 'client', ext: 'extendedKeyUsage=clientAuth' },
      ],
    });
    // mosquitto drops to its own user: it must read the key and the password file.
    for (const f of ['server.key', 'ca.crt', 'server.crt']) await chmod(join(dir, f), 0o644);
  });

  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop();
    await Promise.all(uplinks.splice(0).map((u) => u.stop()));
    await broker?.dispose();
    broker = undefined;
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const uplink = (o: Partial<UplinkOptions> & { url: string }) => {
    const u = new MqttUplink(
      {
        name: 'centre',
        topics,
        bootId: 'boot-1',
        version: 'test',
        clientId: `gw-${uplinks.length}`,
        protocolVersion: 4,
        backoff: { baseMs: 50, maxMs: 200 },
        ...o,
      },
      log,
    );
    uplinks.push(u);
    return u;
  };

  const withOutbox = (u: MqttUplink) => {
    const outbox = new Outbox(
      new MemoryOutboxStore({ sinks: { centre: ['alarm', 'twin', 'telemetry'] }, budgetBytes: 1e6, telemetryRetentionMs: 0 }),
      systemClock,
      log,
      { batch: { alarm: 10, twin: 10, telemetry: 10 }, replayRatePerS: 1000, backoff: { baseMs: 50, maxMs: 200 } },
    );
    outbox.addSink(new MqttSink(u));
    outbox.start();
    outboxes.push(outbox);
    return outbox;
  };

  const tlsBroker = async () => {
    broker = new MosquittoBroker({
      tls: true,
      listener: [
        `cafile ${join(dir, 'ca.crt')}`,
        `certfile ${join(dir, 'server.crt')}`,
        `keyfile ${join(dir, 'server.key')}`,
        'require_certificate true',
      ],
    });
    await broker.start();
    return broker;
  };

  it('verifies the broker against the CA and presents a client certificate (MQTT 5); an alarm is acked', async () => {
    const b = await tlsBroker();
    const u = uplink({
      url: b.url,
      protocolVersion: 5,
      tls: { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'client.crt'), keyFile: join(dir, 'client.key'), rejectUnauthorized: true },
    });
    const outbox = withOutbox(u);
    await eventually('a TLS connection', () => u.connected);
    outbox.enqueue({ lane: 'alarm', topic: topics.alarms, payload: '{"seq":1}' });
    await eventually('the PUBACK', () => outbox.view().stats.sinks.centre?.alarm?.cursor === 1);
  });

  it('a broker certificate from another CA is a TLS failure in health; the alarm waits in the outbox', async () => {
    const b = await tlsBroker();
    const u = uplink({
      url: b.url,
      tls: {
        caFile: join(dir, 'other-ca.crt'),
        certFile: join(dir, 'client.crt'),
        keyFile: join(dir, 'client.key'),
        rejectUnauthorized: true,
      },
    });
    const outbox = withOutbox(u);
    outbox.enqueue({ lane: 'alarm', topic: topics.alarms, payload: '{"seq":1}' });
    await eventually('a TLS error', () => u.lastError !== undefined);
    assert.equal(u.lastError?.code, 'LL_ERR_UPLINK_TLS');
    assert.equal(outbox.view().sinks.centre?.lastError?.code, 'LL_ERR_UPLINK_TLS');
    assert.equal(outbox.view().stats.sinks.centre?.alarm?.pending, 1);
  });

  it('an unreachable broker is reported as such; alarms wait in the outbox', async () => {
    const port = await freePort();
    const u = uplink({ url: `mqtt://127.0.0.1:${port}` });
    const outbox = withOutbox(u);
    outbox.enqueue({ lane: 'alarm', topic: topics.alarms, payload: '{"seq":1}' });
    await eventually('an error', () => u.lastError !== undefined);
    assert.equal(u.lastError?.code, 'LL_ERR_UPLINK_UNREACHABLE');
    assert.match(u.lastError?.message ?? '', /ECONNREFUSED/);
    assert.equal(outbox.view().stats.sinks.centre?.alarm?.pending, 1);
  });

  it('a wrong password is refused and reported; the right one connects', async function () {
    requireBinary(this, PASSWD, 'mosquitto');
    const passwords = join(dir, 'passwd');
    await writeFile(passwords, '');
    execFileSync(PASSWD, ['-b', passwords, 'gw', 'right-password'], { stdio: 'ignore' });
    await chmod(passwords, 0o644);
    broker = new MosquittoBroker({ listener: [`password_file ${passwords}`] });
    await broker.start();
    const bad = uplink({ url: broker.url, username: 'gw', password: 'wrong' });
    bad.start();
    await eventually('a refusal', () => bad.lastError !== undefined);
    assert.equal(bad.lastError?.code, 'LL_ERR_UPLINK_REFUSED');
    const good = uplink({ url: broker.url, username: 'gw', password: 'right-password' });
    good.start();
    await eventually('connected', () => good.connected);
  });

  it('subscribe() survives a broker restart: handlers get messages after every reconnect', async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    broker = new MosquittoBroker();
    await broker.start();
    const u = uplink({ url: broker.url });
    const got: string[] = [];
    u.subscribe(topics.twinDesired, (topic, payload) => got.push(`${topic} ${payload.toString()}`));
    u.subscribe(`${topics.prefix}/cmd/+`, (topic) => got.push(topic));
    u.start();
    await eventually('connected', () => u.connected);
    const send = async (topic: string, body: string) => {
      const c = await connectAsync((broker as MosquittoBroker).url);
      await c.publishAsync(topic, body, { qos: 1 });
      await c.endAsync();
    };
    await eventually('subscribed', async () => {
      await send(topics.twinDesired, '1');
      return got.length > 0;
    });
    await broker.stop();
    await eventually('offline', () => !u.connected);
    await broker.start();
    await eventually('reconnected', () => u.connected);
    const before = got.length;
    await eventually('a message after the reconnect', async () => {
      await send(topics.command('ack'), '{}');
      return got.length > before;
    });
    assert.ok(got.includes(`${topics.twinDesired} 1`));
    assert.ok(got.includes(topics.command('ack')));
  });
});
