import { randomBytes } from 'node:crypto';
import { sendWithoutDelay } from '@lifeline/twin';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { type RedNode, STATUS } from './red-api.js';

/** How often MQTT.js retries a lost broker connection; it resubscribes by itself on reconnect. */
export const RECONNECT_PERIOD_MS = 2000;

/**
 * One MQTT connection owned by one node: connects with the node's optional
 * credentials, reflects the link in the node status, and ends in `close()`.
 */
export function openMqtt(node: RedNode, url: URL, onConnect: (client: MqttClient) => void): MqttClient {
  const options: IClientOptions = {
    clientId: `lifeline-nr-${randomBytes(6).toString('hex')}`,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    connectTimeout: 10_000,
    clean: true,
  };
  const username = node.credentials?.username;
  const password = node.credentials?.password;
  if (username) options.username = username;
  if (password) options.password = password;

  node.status(STATUS.connecting(`connecting ${url.host}`));
  const client = sendWithoutDelay(connect(url.toString(), options));
  client.on('connect', () => {
    node.status(STATUS.connected(`connected ${url.host}`));
    onConnect(client);
  });
  client.on('reconnect', () => node.status(STATUS.connecting(`reconnecting ${url.host}`)));
  client.on('offline', () => node.status(STATUS.disconnected(`offline ${url.host}`)));
  client.on('error', (e) => node.status(STATUS.disconnected(e.message)));
  return client;
}

export async function closeMqtt(client: MqttClient | undefined): Promise<void> {
  if (client) await client.endAsync(true);
}

export const MQTT_SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:'] as const;

export const MQTT_CREDENTIALS = { username: { type: 'text' }, password: { type: 'password' } } as const;
