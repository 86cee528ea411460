import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import type { RunningDemo } from '../../demo/src/demo.js';
import { startSite } from '../support/site-harness.js';

const siteYaml = `
site: test-site
gateway: gw-test
http: { host: 127.0.0.1, port: 0 }
mqtt:
  local:
    host: 127.0.0.1
    port: 0
    maxPacketBytes: 16384
    users:
      - { username: hmi, password: hmi-pw, subscribe: ["lifeline/v1/#"], publish: ["lifeline/v1/#"] }
telemetry: { batchIntervalMs: 50 }
simulator: { http: { host: 127.0.0.1, port: 0 } }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
`;

/** MQTT 3.1.1 CONNECT (§3.1) with clean session, client id "raw", user hmi / hmi-pw. */
function connectPacket(): Buffer {
  const field = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
  const body = Buffer.concat([field('MQTT'), Buffer.from([4, 0xc2, 0, 60]), field('raw'), field('hmi'), field('hmi-pw')]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

/** A PUBLISH fixed header (§3.3.1) declaring `length` bytes, as the first bytes of a huge packet. */
function publishHeader(length: number): Buffer {
  const bytes = [0x30];
  let n = length;
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    bytes.push(digit);
  } while (n > 0);
  return Buffer.from(bytes);
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.once('close', () => resolve());
  });
}

/** The embedded broker bounds what a client may send before buffering it (issue 18: aedes buffers packets whole). */
describe('local broker: packet size limit', () => {
  let dir: string;
  let site: RunningDemo | undefined;
  const clients: MqttClient[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-local-limits-'));
    await writeFile(join(dir, 'site.yaml'), siteYaml);
    site = await startSite(join(dir, 'site.yaml'), { stateDir: join(dir, 'state') });
  });

  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await site?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const login = async () => {
    const c = await connectAsync(site?.urls.mqtt as string, { reconnectPeriod: 0, username: 'hmi', password: 'hmi-pw' });
    clients.push(c);
    return c;
  };

  it('closes a connection whose PUBLISH declares 10 MB, on its header alone', async () => {
    const url = new URL(site?.urls.mqtt as string);
    const socket = connect(Number(url.port), url.hostname);
    const connack = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(connectPacket());
    assert.equal((await connack)[3], 0, 'CONNACK accepted');
    // Only the header and a few bytes: the broker must not wait for the other 10 MB.
    socket.write(Buffer.concat([publishHeader(10_000_000), Buffer.from([0, 3, 0x61, 0x2f, 0x62])]));
    await closed(socket);
    assert.ok(socket.destroyed);
  });

  it('disconnects a logged-in client over the limit, accepts one under it, and keeps serving', async () => {
    const big = await login();
    const gone = new Promise<void>((resolve) => big.once('close', () => resolve()));
    big.publish('lifeline/v1/test-site/gw-test/x', Buffer.alloc(20_000, 0x61));
    await gone;

    const small = await login();
    await small.publishAsync('lifeline/v1/test-site/gw-test/x', Buffer.alloc(8_000, 0x61), { qos: 1 });
    await small.subscribeAsync('lifeline/v1/test-site/gw-test/telemetry', { qos: 0 });
    // The gateway's own (larger) publishes are not limited: telemetry still flows.
    await new Promise<void>((resolve) => small.once('message', () => resolve()));
  });
});
