import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gatewayTopics } from '@lifeline/twin';
import fc from 'fast-check';
import { connectAsync, type MqttClient } from 'mqtt';
import { GATEWAY_BIN } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { type HostileSite, startHostileSite } from '../support/hostile-site.js';
import { type ModbusAnswer, type ModbusRequest, ModbusResponder, mbap, readResponse } from '../support/modbus-responder.js';
import { MqttCollector } from '../support/mqtt-collector.js';
import { setPoint } from '../support/site-harness.js';

/**
 * Issue 18 item 7: property-based (fast-check) hostile input against one
 * running site — MQTT payloads, HTTP bodies, site files and Modbus frames.
 * Each input gets a clear rejection (or is dropped and audited), the gateway
 * keeps serving, a hihi alarm raised meanwhile arrives at a subscriber (its
 * latency is reported, not asserted), and file descriptors and heap return to
 * their baseline once the hostile clients are gone.
 *
 * Seeded (printed; LIFELINE_HOSTILE_SEED replays one), bounded runs;
 * LIFELINE_HOSTILE_RUNS=n runs every property n times instead.
 */
const SEED = Number(process.env.LIFELINE_HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.LIFELINE_HOSTILE_RUNS ?? 0);
const runs = (n: number) => (RUNS > 0 ? RUNS : n);
const report = (line: string) => process.stdout.write(`      hostile-live: ${line}\n`);

const T = gatewayTopics('test-site', 'gw-test');
const TOKENS = { viewer: 'viewer-token-0123456789', operator: 'operator-token-0123456789', admin: 'admin-token-0123456789' };
const OPS = { username: 'ops', password: 'ops-password' };
const WATCHER = { username: 'watcher', password: 'watcher-password' };
/** mqtt.local.maxPacketBytes, the default: a bigger PUBLISH closes the connection on its header. */
const MAX_PACKET_BYTES = 131_072;
/** The unit id of the device served by the raw-socket responder. */
const RAW_UNIT = 7;

const SITE = `
site: test-site
gateway: gw-test
http:
  host: 127.0.0.1
  port: 0
  tokens:
    - { user: hv, role: viewer, token: ${TOKENS.viewer} }
    - { user: ho, role: operator, token: ${TOKENS.operator} }
    - { user: ha, role: admin, token: ${TOKENS.admin} }
  writeRateLimit: { max: 100000 }
mqtt:
  local:
    host: 127.0.0.1
    port: 0
    users:
      - { username: ops, password: ops-password, subscribe: ["lifeline/v1/#"], publish: ["lifeline/v1/#"] }
      - { username: watcher, password: watcher-password, subscribe: ["lifeline/v1/#"], publish: ["sandbox/#"] }
simulator: { http: { host: 127.0.0.1, port: 0 } }
twin:
  coalesceMs: 50
  resyncMinIntervalMs: 0
  authorise:
    - { user: ops, may: [limits, ack, shelve] }
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
  - id: gas-raw
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: 0, unitId: ${RAW_UNIT}, timeoutMs: 250 }
    pollIntervalMs: 100
    acquisition: { retries: 1, backoff: { baseMs: 20, maxMs: 200 }, circuitBreaker: { failureThreshold: 5, openMs: 500 } }
`;

/** The process's open file descriptors: the gateway is in-process, so its sockets and files are counted here. */
const openFds = () => readdirSync('/proc/self/fd').length;

let gc: (() => void) | undefined;
/** Heap in use after two full collections: garbage left by the hostile clients is gone, what is still referenced stays. */
function heapAfterGc(): number {
  // mocha runs without --expose-gc; the flag can still be turned on at run time (only when this suite runs) and
  // `gc` taken from a fresh context.
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
/**
 * Two fds of slack: a poll's reconnect, or fetch's pooled connection to the
 * simulator closing and reopening, may hold one or two for a moment. A leak
 * per hostile client (the refused upgrades: a socket each) is more.
 */
const FD_TOLERANCE = 2;
/**
 * 24 MB of slack on the heap after a forced GC: the test's own state (collected
 * messages, fast-check's shrink trees, V8's code and type feedback for paths
 * first run by a part) is in the same heap and grows a few MB; a leak of what
 * hostile clients left (the issue's 50 slow clients: +10 MB and rising, the
 * flood: +190 MB) is larger than that.
 */
const HEAP_TOLERANCE = 24 * 1024 * 1024;
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request on its own connection (no keep-alive pool holding sockets between parts); 10 s or it counts as a hang. */
function http(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, agent: false, headers: { connection: 'close', ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer within 10 s (a hang)`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

describe('hostile input against a live gateway (property-based, issue 18)', function () {
  // Each part takes ≤ 15 s at the default runs; more runs, more time.
  this.timeout(60_000 + RUNS * 1500);
  let responder: ModbusResponder;
  let site: HostileSite;
  let alarms: MqttCollector;
  let baseline: { fds: number; heap: number };
  let baselineList: string[] = [];
  const clients = new Set<MqttClient>();
  /** What the raw-socket device answers: set per part. */
  let rawAnswer: (req: ModbusRequest) => ModbusAnswer = (req) => registers(req, [0, 0, 0, 0]);

  before(async () => {
    report(`seed ${SEED} (LIFELINE_HOSTILE_SEED=${SEED} replays it), runs ${RUNS > 0 ? RUNS : 'default'}`);
    responder = await ModbusResponder.start((req) => rawAnswer(req));
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-hostile-live-'));
    await writeFile(join(dir, 'site.yaml'), SITE);
    site = await startHostileSite(join(dir, 'site.yaml'), new Map([['gas-raw', { host: '127.0.0.1', port: responder.port }]]));
    await rm(dir, { recursive: true, force: true });
    alarms = await MqttCollector.open(site.urls.mqtt, T.alarms, OPS);
    await until(async () => {
      const h = await health();
      return h.devices['gas-1'] === 'online' && h.devices['gas-raw'] === 'online';
    }, 'both devices online');
    // Warm up every path once (an answer of each kind, one spawn), so the baseline holds what a serving gateway holds.
    await answerOf(await connectOps(), T.command('ack'), Buffer.from('{}'));
    await http(site.urls.dashboard, 'POST', 'api/alarms/ack', { headers: bearer(TOKENS.operator), body: Buffer.from('{}') });
    await validate(join(REPO_ROOT, 'examples/gas-station/site.yaml'));
    // setPoint uses fetch, whose pool keeps its connection to the simulator open (two fds): open it now.
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 0);
    await closeClients();
    baseline = { fds: openFds(), heap: heapAfterGc() };
    baselineList = listFds().split(' ');
    report(`baseline: ${baseline.fds} fds, heap ${MB(baseline.heap)} after GC`);
  });

  after(async () => {
    await closeClients();
    await alarms?.close();
    await site?.stop();
    await responder?.stop();
  });

  async function health(): Promise<{ status: string; devices: Record<string, string> }> {
    const res = await http(site.urls.dashboard, 'GET', 'api/health');
    assert.equal(res.status, 200, `/api/health: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as { status: string; devices: Record<string, string> };
  }

  async function connectOps(login: { username: string; password: string } = OPS): Promise<MqttClient> {
    const c = await connectAsync(site.urls.mqtt, {
      reconnectPeriod: 0,
      clientId: `hostile-${Math.random().toString(16).slice(2)}`,
      ...login,
    });
    clients.add(c);
    await c.subscribeAsync([T.twinDesiredResult, T.commandResult('+')], { qos: 1 });
    return c;
  }

  async function closeClients(): Promise<void> {
    await Promise.all([...clients].map((c) => c.endAsync(true)));
    clients.clear();
  }

  /**
   * Publishes `payload` and resolves with the gateway's answer on the topic's
   * result topic, or 'closed' when the broker cut the connection (MQTT 3.1.1
   * has no negative PUBACK [MQTT-3.3.5-2]). Neither within 10 s fails.
   */
  function answerOf(client: MqttClient, topic: string, payload: Buffer): Promise<Record<string, unknown> | 'closed'> {
    const resultTopic = topic === T.twinDesired ? T.twinDesiredResult : `${topic}/result`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no answer on ${resultTopic} and no refusal within 10 s for ${payload.subarray(0, 200).toString()}`));
      }, 10_000);
      const onMessage = (t: string, p: Buffer) => {
        if (t !== resultTopic) return;
        cleanup();
        resolve(JSON.parse(p.toString()) as Record<string, unknown>);
      };
      const onClose = () => {
        cleanup();
        resolve('closed');
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off('message', onMessage);
        client.off('close', onClose);
      };
      client.on('message', onMessage);
      client.once('close', onClose);
      client.publish(topic, payload, { qos: 1 }, () => {});
    });
  }

  /** Starts raising `device/point/hihi` (70 %LEL over 50) through the simulator; resolves with the arrival latency. */
  function raiseAlarm(device: string, point: string, what: string): Promise<number> {
    const alarmId = `${device}/${point}/hihi`;
    const t0 = Date.now();
    const arrived = alarms.waitFor(
      (m) =>
        (m.payload as { event?: string; alarmId?: string }).event === 'raise' && (m.payload as { alarmId?: string }).alarmId === alarmId,
      10_000,
      `the ${alarmId} raise (${what})`,
    );
    return setPoint(site.urls.simulator, device, point, 70)
      .then(() => arrived)
      .then((m) => {
        report(`${what}: ${alarmId} raised, arrived at the subscriber ${m.at - t0} ms after the simulator was set`);
        return m.at - t0;
      });
  }

  function listFds(): string {
    return readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '?';
        }
      })
      .join(' ');
  }

  /** After a part: the gateway still answers, and fds and heap come back to the baseline. */
  async function settled(part: string): Promise<void> {
    await closeClients();
    assert.equal((await health()).status.length > 0, true);
    let fds = openFds();
    await until(() => {
      fds = openFds();
      return fds <= baseline.fds + FD_TOLERANCE;
    }, `${part}: fds back to ${baseline.fds} (+${FD_TOLERANCE})`).catch((e: Error) => {
      const now = listFds().split(' ');
      const extra = now.filter((f) => !baselineList.includes(f));
      const net = ['tcp', 'tcp6'].flatMap((f) => readFileSync(`/proc/net/${f}`, 'utf8').split('\n'));
      const where = extra.map(
        (x) =>
          net
            .find((l) => l.includes(` ${x.replace(/\D/g, '')} `))
            ?.trim()
            .split(/\s+/)
            .slice(1, 4)
            .join(' ') ?? x,
      );
      throw new Error(
        `${e.message}; ${fds} open; not in the baseline: ${where.join(' | ')} (dashboard ${site.urls.dashboard}, simulator ${site.urls.simulator})`,
      );
    });
    const heap = heapAfterGc();
    report(
      `${part}: ${fds} fds (baseline ${baseline.fds}), heap ${MB(heap)} after GC (baseline ${MB(baseline.heap)}, ${heap >= baseline.heap ? '+' : ''}${MB(heap - baseline.heap)})`,
    );
    assert.ok(
      heap <= baseline.heap + HEAP_TOLERANCE,
      `${part}: heap ${MB(heap)} over baseline ${MB(baseline.heap)} + ${MB(HEAP_TOLERANCE)}`,
    );
  }

  async function audit(): Promise<{ principal: string; action: string; outcome: string; code?: string }[]> {
    const res = await http(site.urls.dashboard, 'GET', 'api/audit?limit=1000', { headers: bearer(TOKENS.operator) });
    assert.equal(res.status, 200);
    return JSON.parse(res.body) as { principal: string; action: string; outcome: string; code?: string }[];
  }

  // ---- 1. MQTT ---------------------------------------------------------------------------------------------------------

  /** Members that trip naive code: prototype keys, a `toString` that is not a function, deep nesting, odd numbers. */
  const hostileValue = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.constantFrom({ toString: 1 }, { valueOf: 1, toString: 1 }, { __proto__: { x: 1 } }, { constructor: { prototype: 1 } }, [[[[[]]]]]),
    fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, '', '\u0000', '../../etc/passwd', 'x'.repeat(5000)),
  );
  /** A desired change's shape with hostile members; `by.user` is mostly `ops` (the login), so most reach the twin. */
  const desiredShaped = fc.record(
    {
      clientToken: fc.oneof(fc.uuid(), fc.string(), hostileValue),
      issuedAt: fc.oneof(
        fc.constant('now'),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        hostileValue,
      ),
      by: fc.oneof(fc.constant({ user: 'ops' }), fc.record({ user: hostileValue, comment: hostileValue }), hostileValue),
      ifLimitsVersion: fc.oneof(fc.string(), hostileValue),
      limits: fc.dictionary(fc.string(), fc.oneof(fc.record({ value: fc.double() }), hostileValue), { maxKeys: 50 }),
      acks: fc.oneof(fc.array(fc.string(), { maxLength: 50 }), hostileValue),
      shelve: fc.oneof(fc.dictionary(fc.string(), fc.record({ durationMs: fc.integer() })), hostileValue),
      alarmId: fc.oneof(fc.string(), hostileValue),
      durationMs: fc.oneof(fc.integer(), hostileValue),
      reason: hostileValue,
    },
    { requiredKeys: [] },
  );
  /** Up to 4,000 limit keys (~120 KB): over twin.maxDesiredBytes (64 KiB), under the 128 KiB packet limit. */
  const manyKeys = fc.integer({ min: 100, max: 4000 }).map((n) => {
    const limits: Record<string, { value: number }> = {};
    for (let i = 0; i < n; i++) limits[`g${i}/lel1/hihi`] = { value: 40 };
    return { clientToken: `keys-${n}`, issuedAt: new Date().toISOString(), by: { user: 'ops' }, ifLimitsVersion: 'x', limits };
  });
  const mqttPayload = fc.oneof(
    { weight: 2, arbitrary: fc.json().map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)) },
    {
      weight: 4,
      arbitrary: desiredShaped.map((o) => {
        const withDate = o.issuedAt === 'now' ? { ...o, issuedAt: new Date().toISOString() } : o;
        return Buffer.from(JSON.stringify(withDate));
      }),
    },
    { weight: 1, arbitrary: manyKeys.map((o) => Buffer.from(JSON.stringify(o))) },
  );
  const mqttTopic = fc.constantFrom(T.twinDesired, T.command('ack'), T.command('shelve'), T.command('resync'));

  /**
   * Whether the local broker refuses this publish from `ops` as naming someone
   * else (docs/security.md). A `by.user` that cannot be read as a string names
   * nobody: the publish goes through and the twin refuses it as malformed.
   */
  function namesAnotherUser(payload: Buffer): boolean {
    try {
      const user = (JSON.parse(payload.toString()) as { by?: { user?: unknown } } | null)?.by?.user;
      return user !== undefined && String(user) !== 'ops';
    } catch {
      return false;
    }
  }

  it('MQTT: every payload on twin/desired and cmd/* is answered with a coded rejection or refused and audited; alarms still flow', async () => {
    const numRuns = runs(60);
    let ops = await connectOps();
    let run = 0;
    let raised: Promise<number> | undefined;
    const tally = { answered: 0, rejected: 0, accepted: 0, forged: 0, oversize: 0, unauthorised: 0 };
    const auditBefore = await audit();
    await fc.assert(
      fc.asyncProperty(mqttTopic, mqttPayload, async (topic, payload) => {
        run += 1;
        if (run === Math.ceil(numRuns / 2)) raised = raiseAlarm('gas-1', 'lel1', 'during the MQTT part');
        if (!ops.connected) ops = await connectOps();
        const answer = await answerOf(ops, topic, payload);
        // The PUBLISH's Remaining Length (MQTT 3.1.1 §3.3: topic, packet id, payload) over mqtt.local.maxPacketBytes.
        if (2 + Buffer.byteLength(topic) + 2 + payload.length > MAX_PACKET_BYTES) {
          assert.equal(answer, 'closed', `an oversize packet (${payload.length} B) must be refused`);
          tally.oversize += 1;
          return;
        }
        if (namesAnotherUser(payload)) {
          assert.equal(answer, 'closed', `a payload naming another user must be refused: ${payload.subarray(0, 200)}`);
          tally.forged += 1;
          return;
        }
        assert.notEqual(answer, 'closed', `the broker refused a publish of ops naming itself: ${payload.subarray(0, 200)}`);
        if (answer === 'closed') return;
        tally.answered += 1;
        if (topic === T.twinDesired) {
          assert.ok(answer.status === 'accepted' || answer.status === 'rejected', JSON.stringify(answer));
          if (answer.status === 'rejected') {
            tally.rejected += 1;
            const reasons = answer.reasons as { code: string; message: string }[];
            assert.ok(reasons.length >= 1 && reasons.length <= 50, `${reasons.length} reasons`);
            for (const r of reasons) assert.match(r.code, /^LL_ERR_/);
          } else tally.accepted += 1;
        } else if (answer.ok === false) {
          tally.rejected += 1;
          assert.match(String(answer.code), /^LL_ERR_/, JSON.stringify(answer));
        } else tally.accepted += 1;
        assert.ok(JSON.stringify(answer).length < 16_384, 'a bounded answer');
        // An unauthorised login (publish only to sandbox/#) sends the same: the broker cuts it off, nothing is answered.
        if (run % 4 === 0) {
          const watcher = await connectOps(WATCHER);
          assert.equal(await answerOf(watcher, topic, payload), 'closed');
          tally.unauthorised += 1;
        }
      }),
      { seed: SEED, numRuns, endOnFailure: true },
    );
    // Anonymous and wrong-password logins are refused at CONNECT (CONNACK 5, not authorized).
    await assert.rejects(connectAsync(site.urls.mqtt, { reconnectPeriod: 0 }), /Not authorized|not authorized/i);
    await assert.rejects(connectAsync(site.urls.mqtt, { reconnectPeriod: 0, username: 'ops', password: 'wrong' }), /Not authorized/i);
    report(`MQTT: ${run} payloads; ${JSON.stringify(tally)}`);
    // Refused publishes were dropped and counted in the audit trail (one entry each).
    const refused = (await audit()).slice(0, 1000 - auditBefore.length).filter((e) => e.action === 'publish' && e.outcome === 'refused');
    if (tally.forged + tally.unauthorised < 900) {
      assert.equal(refused.filter((e) => e.principal === 'ops' && e.code === 'forged-user').length, tally.forged);
      assert.equal(refused.filter((e) => e.principal === 'watcher' && e.code === 'acl').length, tally.unauthorised);
    }
    // Still serving: a well-formed request is answered.
    const probe = await answerOf(
      await connectOps(),
      T.command('ack'),
      Buffer.from(
        JSON.stringify({ clientToken: 'probe-1', alarmId: 'nope/x/hihi', by: { user: 'ops' }, issuedAt: new Date().toISOString() }),
      ),
    );
    assert.notEqual(probe, 'closed');
    assert.equal((probe as { clientToken?: string }).clientToken, 'probe-1');
    await (raised ?? raiseAlarm('gas-1', 'lel1', 'after the MQTT part'));
    await settled('MQTT');
  });

  // ---- 2. HTTP ---------------------------------------------------------------------------------------------------------

  const routes = fc.constantFrom(
    { method: 'POST', path: 'api/alarms/ack' },
    { method: 'POST', path: 'api/alarms/shelve' },
    { method: 'POST', path: 'api/alarms/unshelve' },
    { method: 'PUT', path: 'api/limits' },
  );
  /** Bodies: JSON of any shape, text, bytes, route-shaped objects with hostile members, and one over 1 MiB. */
  const httpBody = fc.oneof(
    { weight: 3, arbitrary: fc.json().map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
    {
      weight: 3,
      arbitrary: fc
        .record(
          {
            // Never an alarm or device of the site: a well-formed request for one would rightly succeed.
            alarmId: fc.oneof(
              fc.string().map((s) => `x-${s}`),
              hostileValue,
            ),
            durationMs: fc.oneof(fc.integer(), fc.double(), hostileValue),
            comment: fc.oneof(fc.string({ maxLength: 3000 }), hostileValue),
            changes: fc.oneof(
              fc.array(
                fc.record(
                  {
                    device: fc.oneof(
                      fc.string().map((s) => `x-${s}`),
                      hostileValue,
                    ),
                    point: fc.oneof(fc.constant('lel1'), hostileValue),
                    condition: fc.oneof(fc.constantFrom('hihi', 'hi', 'lo', 'bogus'), hostileValue),
                    value: fc.oneof(fc.double(), hostileValue),
                    enabled: fc.oneof(fc.boolean(), hostileValue),
                  },
                  { requiredKeys: [] },
                ),
                { minLength: 1, maxLength: 20 },
              ),
              hostileValue,
            ),
          },
          { requiredKeys: [] },
        )
        .map((o) => Buffer.from(JSON.stringify(o))),
    },
    {
      // Nearly right: past the schema to the route itself, for an alarm the site does not have (404).
      weight: 2,
      arbitrary: fc
        .record(
          {
            alarmId: fc.stringMatching(/^[a-z0-9_-]{0,20}$/).map((s) => `x${s}/lel1/hihi`),
            durationMs: fc.integer({ min: 60_000, max: 86_400_000 }),
            comment: fc.string({ maxLength: 100 }),
          },
          { requiredKeys: ['alarmId'] },
        )
        .map((o) => Buffer.from(JSON.stringify(o))),
    },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(1_100_000, '{"a":1}')) },
  );
  /** Mostly JSON, so most bodies reach the route's schema; then the other types the parser may meet, then noise. */
  const contentType = fc.oneof(
    { weight: 4, arbitrary: fc.constant('application/json') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        undefined,
        'text/plain',
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
      ),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9/;=+. -]{1,40}$/) },
  );
  /** Mostly a token that may write, so most requests get past authorisation; also none, too low and unknown. */
  const token = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(TOKENS.operator, TOKENS.admin) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, TOKENS.viewer, 'not-a-token-the-gateway-knows') },
  );

  it('HTTP: every hostile write gets a 4xx with the one error body (code, message, hint), never a 5xx or a hang', async () => {
    const numRuns = runs(80);
    let run = 0;
    let raised: Promise<number> | undefined;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(routes, httpBody, contentType, token, async (route, body, type, tok) => {
        run += 1;
        if (run === Math.ceil(numRuns / 2)) raised = raiseAlarm('gas-1', 'lel2', 'during the HTTP part');
        const headers = { ...bearer(tok), ...(type === undefined ? {} : { 'content-type': type }) };
        const res = await http(site.urls.dashboard, route.method, route.path, { headers, body }).catch((e: NodeJS.ErrnoException) => {
          // A body over http.maxBodyBytes (1 MiB) may be cut off while it is still being sent, the 413 unread:
          // a refusal too. Anything else (a hang, a reset without an answer) is a failure.
          if (body.length > 1_048_576 && (e.code === 'EPIPE' || e.code === 'ECONNRESET')) return 'cut off' as const;
          throw e;
        });
        if (res === 'cut off') {
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
          return;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(
          res.status >= 400 && res.status < 500,
          `${route.method} ${route.path} (${type}, ${body.length} B): ${res.status} ${res.body}`,
        );
        const err = JSON.parse(res.body) as { statusCode?: unknown; code?: unknown; message?: unknown; hint?: unknown };
        assert.equal(err.statusCode, res.status, res.body);
        assert.match(String(err.code), /^LL_ERR_HTTP_/, res.body);
        assert.ok(typeof err.message === 'string' && err.message.length > 0, res.body);
        assert.ok(typeof err.hint === 'string' && err.hint.length > 0, res.body);
      }),
      { seed: SEED, numRuns, endOnFailure: true },
    );
    report(`HTTP: ${run} requests; statuses (0: an oversize body cut off) ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    assert.equal((await health()).devices['gas-1'], 'online');
    await (raised ?? raiseAlarm('gas-1', 'lel2', 'after the HTTP part'));
    await settled('HTTP');
  });

  // ---- 3. Site files ---------------------------------------------------------------------------------------------------

  /** Edits to a site file's lines: delete, duplicate, replace with noise, a bad number, a tab, an alias, truncation. */
  const edit = fc.oneof(
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: fc.string({ maxLength: 60 }) }),
    fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.constantFrom(
        '\t- tab',
        'a: &x [1, 2]',
        'b: *x',
        'c: *missing',
        '<<: *x',
        '"unclosed',
        '  - id: gas-hall',
        'port: 99999',
        '---',
      ),
    }),
    fc.record({
      op: fc.constant('number' as const),
      at: fc.nat(),
      text: fc.constantFrom('-1', '1e309', '0x', '99999999999', '0.5', 'NaN'),
    }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  );
  function mutate(text: string, edits: readonly { op: string; at: number; text?: string }[]): string {
    let lines = text.split('\n');
    for (const e of edits) {
      const i = e.at % Math.max(1, lines.length);
      if (e.op === 'delete') lines.splice(i, 1);
      else if (e.op === 'duplicate') lines.splice(i, 0, lines[i] ?? '');
      else if (e.op === 'replace' || e.op === 'insert') lines.splice(i, e.op === 'replace' ? 1 : 0, e.text ?? '');
      else if (e.op === 'number') lines[i] = (lines[i] ?? '').replace(/\d+/, e.text ?? '');
      else
        lines = lines
          .join('\n')
          .slice(0, e.at % Math.max(1, text.length))
          .split('\n');
    }
    return lines.join('\n');
  }

  it('site files: validate on mutated copies of an example exits 0 or 2 with file:line:col, never a stack trace', async () => {
    const original = await readFile(join(REPO_ROOT, 'examples/gas-station/site.yaml'), 'utf8');
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-hostile-site-'));
    const exits = new Map<number, number>();
    const raised = raiseAlarm('gas-1', 'lel3', 'during the site-file part');
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
          run += 1;
          const file = join(dir, `site-${run}.yaml`);
          await writeFile(file, mutate(original, edits));
          const { code, output } = await validate(file);
          exits.set(code, (exits.get(code) ?? 0) + 1);
          assert.ok(code === 0 || code === 2, `exit ${code}: ${output}`);
          assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace: ${output}`);
          if (code === 2) assert.match(output, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+(:\\d+)?: `), output);
        }),
        { seed: SEED, numRuns: runs(3), endOnFailure: true },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    report(`site files: exits ${JSON.stringify(Object.fromEntries(exits))}`);
    await raised;
    await settled('site files');
  });

  // ---- 4. Modbus frames ------------------------------------------------------------------------------------------------

  /** A broken answer to a request, named for the counterexample fast-check prints. */
  type Broken = ((req: ModbusRequest) => ModbusAnswer) & { [fc.toStringMethod]: () => string };
  const named = (what: string, answer: (req: ModbusRequest) => ModbusAnswer): Broken =>
    Object.assign(answer, { [fc.toStringMethod]: () => what });
  const raw = (what: string, make: (req: ModbusRequest, tid: number) => Buffer): Broken =>
    named(what, (req) => ({ kind: 'raw', bytes: (tid) => make(req, tid) }));
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  /** One broken answer: line noise, a short or long ADU, a wrong MBAP field, an exception, silence or a dropped link. */
  const broken: fc.Arbitrary<Broken> = fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => raw(`noise ${hex(b)}`, () => Buffer.from(b))) },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 1, max: 8 }).map((k) => raw(`the first ${k} bytes`, (req, tid) => goodAdu(req, tid).subarray(0, k))),
    },
    {
      weight: 2,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 40 })
        .map((extra) => raw(`a good ADU + ${hex(extra)}`, (req, tid) => Buffer.concat([goodAdu(req, tid), Buffer.from(extra)]))),
    },
    {
      weight: 4,
      arbitrary: fc.record({ at: fc.constantFrom(0, 2, 4, 6, 7), delta: fc.integer({ min: 1, max: 255 }) }).map(({ at, delta }) =>
        raw(`byte ${at} (${['tid', '', 'protocol', '', 'length', '', 'unit', 'function'][at]}) + ${delta}`, (req, tid) => {
          const adu = goodAdu(req, tid);
          if (at === 6 || at === 7) adu[at] = ((adu[at] as number) + delta) & 0xff;
          else adu.writeUInt16BE((adu.readUInt16BE(at) + delta) & 0xffff, at);
          return adu;
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 255 }).map((code) => named(`exception ${code}`, () => ({ kind: 'exception', code }))),
    },
    { weight: 1, arbitrary: fc.constant(named('silence', () => ({ kind: 'silent' }))) },
    { weight: 1, arbitrary: fc.constant(named('a dropped link', () => ({ kind: 'close' }))) },
  );

  async function rawPoint(point: string): Promise<{ value?: unknown; quality?: string } | undefined> {
    const res = await http(site.urls.dashboard, 'GET', 'api/points', { headers: bearer(TOKENS.viewer) });
    assert.equal(res.status, 200);
    return (JSON.parse(res.body) as { device: string; point: string; value?: unknown; quality?: string }[]).find(
      (p) => p.device === 'gas-raw' && p.point === point,
    );
  }

  it('Modbus: after broken answers the device reads good again, and its hihi alarm then arrives', async () => {
    let run = 0;
    const raised = raiseAlarm('gas-1', 'lel4', 'during the Modbus part');
    await fc.assert(
      fc.asyncProperty(fc.array(broken, { minLength: 4, maxLength: 16 }), async (answers) => {
        run += 1;
        const marker = 100 + run; // lel2 = 10.x %LEL in the correct answers after this run's broken ones
        let left = [...answers];
        rawAnswer = (req) => {
          const next = left.shift();
          if (next) return next(req);
          return registers(req, [0, marker, 0, 0]);
        };
        await until(() => left.length === 0, `the ${answers.length} broken answers sent`, 15_000);
        const t0 = Date.now();
        let seen: unknown;
        await until(
          async () => {
            const p = await rawPoint('lel2');
            const comm = (await health()).devices['gas-raw'];
            seen = { ...p, comm };
            return p?.quality === 'good' && Math.abs(Number(p.value) - marker / 10) < 1e-9 && comm === 'online';
          },
          `gas-raw online and lel2 good at ${marker / 10} after the broken answers`,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; last seen ${JSON.stringify(seen)}`);
        });
        report(
          `Modbus run ${run}: ${answers.length} broken answers, then good again ${Date.now() - t0} ms after the first correct one was due`,
        );
        left = [];
      }),
      { seed: SEED, numRuns: runs(3), endOnFailure: true },
    );
    // Correct answers with lel1 over hihi (70 %LEL): the device's real alarm is raised and arrives.
    const t0 = Date.now();
    rawAnswer = (req) => registers(req, [700, 0, 0, 0]);
    const m = await alarms.waitFor(
      (x) =>
        (x.payload as { event?: string; alarmId?: string }).event === 'raise' &&
        (x.payload as { alarmId?: string }).alarmId === 'gas-raw/lel1/hihi',
      10_000,
      'the gas-raw/lel1/hihi raise',
    );
    report(`Modbus: gas-raw/lel1/hihi raised, arrived ${m.at - t0} ms after the device began answering 70 %LEL`);
    await raised;
    await settled('Modbus');
  });
});

/** Registers 0–3 (lel1–lel4, 0.1 %LEL) as given, every other register and bit 0; writes echoed. */
function registers(req: ModbusRequest, lel: readonly number[]): ModbusAnswer {
  if (req.functionCode === 5 || req.functionCode === 6) return { kind: 'echo' };
  if (req.functionCode === 1 || req.functionCode === 2) return { kind: 'registers', values: new Array(req.quantity).fill(0) };
  return { kind: 'registers', values: Array.from({ length: req.quantity }, (_, i) => lel[req.address + i] ?? 0) };
}

/** A correct ADU for `req` (registers all 0), as the broken answers are made from. */
function goodAdu(req: ModbusRequest, tid: number): Buffer {
  const a = registers(req, []);
  const pdu = a.kind === 'registers' ? readResponse(req.functionCode, a.values) : Buffer.from([req.functionCode, 0, 0, 0, 1]);
  return mbap(tid, req.unitId, pdu);
}

/** Runs the built CLI's `validate` without blocking this process's event loop (the gateway runs in it). */
function validate(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [GATEWAY_BIN, 'validate', file], { cwd: REPO_ROOT, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, output: `${stdout}${stderr}` });
    });
  });
}
