import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { nodeError } from './errors.js';
import { parseJson } from './gateway-messages.js';
import { type GatewayTopics, type LifelineApi, loadLifelineApi } from './lifeline-api.js';
import { closeMqtt, MQTT_CREDENTIALS, MQTT_SCHEMES, openMqtt } from './mqtt-link.js';
import { describeValue } from './msg-fields.js';
import { NodeConfigReader, setupOrReport } from './node-config.js';
import { PendingAnswers } from './pending-answers.js';
import { defineNode, type NodeAPI, type NodeDef, type NodeMessage, type RedNode, type SendFn, STATUS } from './red-api.js';

export const TWIN_NODE_TYPE = 'lifeline-twin';

/** Commands a centre sends a gateway (DESIGN.md §4 `cmd/{name}`), each answered on `cmd/{name}/result`. */
export const TWIN_COMMANDS = ['ack', 'shelve', 'unshelve', 'resync'] as const;
const ACTIONS = ['get', 'desired', ...TWIN_COMMANDS] as const;
type Action = (typeof ACTIONS)[number];

interface TwinDef extends NodeDef {
  readonly url?: string;
  readonly site?: string;
  readonly gateway?: string;
  readonly timeoutMs?: string | number;
  readonly watch?: boolean;
}

interface TwinSettings {
  readonly topics: GatewayTopics;
  readonly timeoutMs: number;
  readonly watch: boolean;
}

/**
 * `lifeline-twin`: one gateway's twin over MQTT. Emits the retained `twin`
 * document, sends desired changes on `twin/desired` and commands (ack, shelve,
 * unshelve, resync) on `cmd/{name}`, each with a clientToken, and outputs the
 * answer that carries the same clientToken.
 */
export default async function register(RED: NodeAPI): Promise<void> {
  const api = await loadLifelineApi();
  defineNode<TwinDef>(
    RED,
    TWIN_NODE_TYPE,
    (node, def) =>
      setupOrReport(node, () => {
        const config = new NodeConfigReader(api, TWIN_NODE_TYPE, def);
        const url = config.url('url', MQTT_SCHEMES);
        const topics = api.twin.gatewayTopics(config.topicId('site', false), config.topicId('gateway', false));
        const settings = {
          topics,
          timeoutMs: config.number('timeoutMs', 10_000, { min: 100, max: 600_000, integer: true }),
          watch: config.boolean('watch', true),
        };
        run(api, node, url, settings);
      }),
    MQTT_CREDENTIALS,
  );
}

function run(api: LifelineApi, node: RedNode, url: URL, settings: TwinSettings): void {
  const { topics, timeoutMs } = settings;
  const answers = new PendingAnswers(api.core.systemClock);
  const twinWaiters = new PendingAnswers(api.core.systemClock);
  let twin: unknown;
  const resultTopics = [topics.twinDesiredResult, ...TWIN_COMMANDS.map((c) => topics.commandResult(c))];

  const client: MqttClient = openMqtt(node, url, (c) => {
    c.subscribe([topics.twin, ...resultTopics], { qos: 1 }, (err) => {
      node.status(err ? STATUS.error(`subscribe failed: ${err.message}`) : STATUS.connected(`subscribed ${url.host}`));
    });
  });

  client.on('message', (topic, payload) => {
    const json = parseJson(payload);
    if (!json.ok) return node.warn(nodeError(api, 'LL_ERR_NODE_GATEWAY_MESSAGE', topic, json.reason).message);
    if (topic === topics.twin) {
      twin = json.value;
      // Wakes every `get` waiting for the first twin; they read it from `twin`.
      twinWaiters.stop(new Error('twin arrived'));
      if (settings.watch) node.send({ topic, payload: twin, action: 'twin' });
      return;
    }
    const token = (json.value as { clientToken?: unknown } | null)?.clientToken;
    // Answers to other centres' requests arrive on the same topic: only our tokens are ours.
    if (typeof token === 'string') answers.answer(token, json.value);
  });

  const request = async (msg: NodeMessage, action: Exclude<Action, 'get'>, send: SendFn): Promise<void> => {
    const body = requestBody(api, msg, action);
    const clientToken = typeof msg.clientToken === 'string' && msg.clientToken !== '' ? msg.clientToken : randomUUID();
    const topic = action === 'desired' ? topics.twinDesired : topics.command(action);
    const resultTopic = action === 'desired' ? topics.twinDesiredResult : topics.commandResult(action);
    const answer = answers.wait(clientToken, timeoutMs, () => nodeError(api, 'LL_ERR_NODE_TIMEOUT', resultTopic, clientToken, timeoutMs));
    node.status(STATUS.busy(`${action} sent, waiting`));
    try {
      // The issue time lets the gateway refuse a stale or replayed request (docs/security.md).
      const issuedAt = typeof body.issuedAt === 'string' ? body.issuedAt : new Date().toISOString();
      await client.publishAsync(topic, JSON.stringify({ ...body, clientToken, issuedAt }), { qos: 1 });
    } catch (e) {
      answers.cancel(clientToken);
      throw e;
    }
    const result = await answer;
    node.status(isRejected(result) ? STATUS.error(`${action} rejected`) : STATUS.ok(`${action} accepted`));
    send({ ...msg, topic: resultTopic, payload: result, clientToken });
  };

  node.on('input', (msg, send, done) => {
    const action = msg.action ?? 'get';
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
      return done(nodeError(api, 'LL_ERR_NODE_INPUT', 'action', `must be one of ${ACTIONS.join(', ')}, got ${describeValue(action)}`));
    }
    const work =
      action === 'get'
        ? currentTwin().then((t) => send({ ...msg, topic: topics.twin, payload: t }))
        : request(msg, action as Exclude<Action, 'get'>, send);
    work.then(
      () => done(),
      (e: unknown) => {
        if (e instanceof Error && e.message.startsWith('LL_ERR_NODE_TIMEOUT')) node.status(STATUS.error('no answer'));
        done(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

  /** The latest twin, or the retained one once it arrives; the broker sends it right after subscribing. */
  const currentTwin = async (): Promise<unknown> => {
    if (twin !== undefined) return twin;
    const token = randomUUID();
    await twinWaiters
      .wait(token, timeoutMs, () => nodeError(api, 'LL_ERR_NODE_NO_TWIN', topics.twin, timeoutMs))
      .catch((e: Error) => {
        if (twin === undefined) throw e;
      });
    return twin;
  };

  node.on('close', (_removed, done) => {
    const closing = new Error('node closed');
    answers.stop(closing);
    twinWaiters.stop(closing);
    closeMqtt(client).then(
      () => done(),
      () => done(),
    );
  });
}

/** The JSON object a request carries besides its clientToken; validated here so a bad message never reaches the gateway. */
function requestBody(api: LifelineApi, msg: NodeMessage, action: Exclude<Action, 'get'>): Record<string, unknown> {
  const { payload } = msg;
  if (action === 'ack' || action === 'shelve' || action === 'unshelve') {
    // An alarm id alone is the common case: `msg.payload = "gas-1/lel1/hihi"`.
    if (typeof payload === 'string' && payload !== '') return { alarmId: payload };
    if (
      typeof payload !== 'object' ||
      payload === null ||
      Array.isArray(payload) ||
      typeof (payload as { alarmId?: unknown }).alarmId !== 'string'
    ) {
      throw nodeError(
        api,
        'LL_ERR_NODE_INPUT',
        'payload',
        `for ${action} must be an alarm id or an object with a string alarmId, got ${describeValue(payload)}`,
      );
    }
    return payload as Record<string, unknown>;
  }
  if (action === 'resync')
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || Object.keys(payload).length === 0) {
    throw nodeError(
      api,
      'LL_ERR_NODE_INPUT',
      'payload',
      `for desired must be a non-empty object of desired changes, got ${describeValue(payload)}`,
    );
  }
  return payload as Record<string, unknown>;
}

/** Results say accepted or rejected with reasons (DESIGN.md §4); either spelling is read. */
function isRejected(result: unknown): boolean {
  const r = result as { accepted?: unknown; status?: unknown; ok?: unknown } | null;
  return r?.accepted === false || r?.status === 'rejected' || r?.ok === false;
}
