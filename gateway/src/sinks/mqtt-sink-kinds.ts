import type { SiteConfig } from '@lifeline/core';
import { gatewayTopics } from '@lifeline/twin';
import { MqttUplink } from '../uplink/mqtt-uplink.js';
import { MQTT_LANES, MqttSink } from './mqtt-sink.js';
import type { SinkContext, SinkKind, SinkSpec } from './sink-kind.js';

type CentreConfig = NonNullable<SiteConfig['mqtt']['centre']>;

/** The MQTT client id of the gateway on both brokers (docs/topics.md). */
function clientId(config: SiteConfig): string {
  return `lifeline-${config.site}-${config.gateway}`;
}

/** What every uplink of this gateway shares: its topics, identity and clock. */
function common(context: SinkContext) {
  const { config } = context;
  return {
    clock: context.clock,
    topics: gatewayTopics(config.site, config.gateway),
    bootId: context.bootId,
    version: context.version,
    clientId: clientId(config),
  };
}

/** `mqtt.centre`: the monitoring centre's broker, the link `twin/desired` and `cmd/*` arrive on. */
export const centreSinkKind: SinkKind<SinkSpec & { readonly centre: CentreConfig }> = {
  kind: 'centre-mqtt',
  lanes: MQTT_LANES,
  specs: (config) => (config.mqtt.centre ? [{ name: 'centre', centre: config.mqtt.centre }] : []),
  create: ({ name, centre }, context) =>
    new MqttSink(
      new MqttUplink({ ...common(context), name, ...centre, clientId: centre.clientId ?? clientId(context.config) }, context.log),
    ),
};

/** `mqtt.local`: the gateway's own embedded broker (Node-RED, an HMI), MQTT 3.1.1 on loopback. */
export const localSinkKind: SinkKind = {
  kind: 'local-mqtt',
  lanes: MQTT_LANES,
  specs: (config) => (config.mqtt.local.enabled ? [{ name: 'local' }] : []),
  create: ({ name }, context) => {
    const broker = context.localBroker;
    if (!broker) throw new Error('the local MQTT sink needs the embedded broker started first');
    return new MqttSink(
      new MqttUplink(
        {
          ...common(context),
          name,
          url: `${broker.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${broker.port}`,
          protocolVersion: 4,
          ...(broker.credentials ?? {}),
          // Its own listener on loopback, in this process: the certificate is for the site's clients (whose
          // names it carries, not 127.0.0.1); the gateway's login is its per-process random password.
          ...(broker.tls ? { tls: { rejectUnauthorized: false } } : {}),
        },
        context.log,
      ),
    );
  },
};
