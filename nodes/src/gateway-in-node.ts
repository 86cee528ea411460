import type { MqttClient } from 'mqtt';
import { nodeError } from './errors.js';
import { alarmMessage, type Parsed, parseJson, parseTopic, telemetryMessages } from './gateway-messages.js';
import { openGatewaySocket } from './gateway-socket.js';
import { type LifelineApi, loadLifelineApi } from './lifeline-api.js';
import { closeMqtt, MQTT_CREDENTIALS, MQTT_SCHEMES, openMqtt } from './mqtt-link.js';
import { NodeConfigReader, setupOrReport } from './node-config.js';
import { defineNode, type NodeAPI, type NodeDef, type NodeMessage, type RedNode, STATUS } from './red-api.js';

export const GATEWAY_IN_NODE_TYPE = 'lifeline-gateway-in';

interface GatewayInDef extends NodeDef {
  readonly source?: string;
  readonly url?: string;
  readonly site?: string;
  readonly gateway?: string;
  readonly receive?: string;
}

type Receive = 'both' | 'alarms' | 'readings';

/**
 * `lifeline-gateway-in`: alarm events (output 1) and readings (output 2) from
 * a gateway, through its local MQTT broker (`…/alarms`, `…/telemetry`) or its
 * dashboard WebSocket (`/ws`).
 */
export default async function register(RED: NodeAPI): Promise<void> {
  const api = await loadLifelineApi();
  defineNode<GatewayInDef>(
    RED,
    GATEWAY_IN_NODE_TYPE,
    (node, def) =>
      setupOrReport(node, () => {
        const config = new NodeConfigReader(api, GATEWAY_IN_NODE_TYPE, def);
        const source = config.oneOf('source', ['mqtt', 'ws'], 'mqtt');
        const receive = config.oneOf<Receive>('receive', ['both', 'alarms', 'readings'], 'both');
        const emit = emitter(api, node, receive);
        if (source === 'mqtt') {
          const url = config.url('url', MQTT_SCHEMES);
          const site = config.topicId('site', true);
          const gateway = config.topicId('gateway', true);
          runMqtt(node, url, topicsFor(`${api.twin.TOPIC_ROOT}/${site}/${gateway}`, receive), emit);
        } else {
          const url = config.url('url', ['http:', 'https:', 'ws:', 'wss:']);
          const socket = openGatewaySocket(node, url, api.core.systemClock, emit);
          node.on('close', (_removed, done) => {
            socket.close();
            done();
          });
        }
      }),
    MQTT_CREDENTIALS,
  );
}

function topicsFor(prefix: string, receive: Receive): string[] {
  if (receive === 'alarms') return [`${prefix}/alarms`];
  if (receive === 'readings') return [`${prefix}/telemetry`];
  return [`${prefix}/alarms`, `${prefix}/telemetry`];
}

function runMqtt(node: RedNode, url: URL, topics: string[], emit: (parsed: Parsed, where: string) => void): void {
  const client: MqttClient = openMqtt(node, url, (c) => {
    c.subscribe(topics, { qos: 1 }, (err) => {
      node.status(err ? STATUS.error(`subscribe failed: ${err.message}`) : STATUS.connected(`subscribed ${url.host}`));
    });
  });
  client.on('message', (topic, payload) => {
    const where = topic;
    const origin = parseTopic(topic);
    if (!origin) return;
    const json = parseJson(payload);
    if (!json.ok) return emit({ alarms: [], readings: [], rejected: [json.reason] }, where);
    if (origin.suffix === 'alarms') {
      const msg = alarmMessage(json.value, origin);
      emit(typeof msg === 'string' ? { alarms: [], readings: [], rejected: [msg] } : { alarms: [msg], readings: [], rejected: [] }, where);
    } else if (origin.suffix === 'telemetry') {
      emit(telemetryMessages(json.value, origin), where);
    }
  });
  node.on('close', (_removed, done) => {
    closeMqtt(client).then(
      () => done(),
      () => done(),
    );
  });
}

/** Sends alarms on output 1 and readings on output 2, as the node is set to; warns once per bad payload. */
function emitter(api: LifelineApi, node: RedNode, receive: Receive): (parsed: Parsed, where: string) => void {
  return (parsed, where) => {
    for (const reason of parsed.rejected) node.warn(nodeError(api, 'LL_ERR_NODE_GATEWAY_MESSAGE', where, reason).message);
    if (receive !== 'readings') for (const msg of parsed.alarms) node.send([msg, null]);
    if (receive !== 'alarms') for (const msg of parsed.readings) node.send([null, msg]);
    const last: NodeMessage | undefined = parsed.alarms.at(-1);
    if (last && receive !== 'readings') {
      const event = last.payload as { event: string; alarmId: string };
      node.status(STATUS.ok(`${event.event} ${event.alarmId}`));
    }
  };
}
