/** What the broker said of a delivered message: `retain` is set when it was stored, not sent live [MQTT-3.3.1-8]. */
export interface InboundMeta {
  readonly retain: boolean;
}

/**
 * What the twin needs of an uplink (MqttUplink has both). The link named
 * `local` is the gateway's own broker, which vouches that a command's
 * `by.user` is its logged-in user (LocalBroker); any other link is a broker
 * that authenticated the centre.
 */
export interface TwinLink {
  readonly name: string;
  publish(topic: string, payload: string, opts?: { retain?: boolean }): void;
  subscribe(topicFilter: string, handler: (topic: string, payload: Buffer, meta?: InboundMeta) => void): void;
}

/** The connection a request came on: the gateway's own broker, or one that authenticated the centre. */
export function originOf(link: TwinLink): 'centre' | 'local' {
  return link.name === 'local' ? 'local' : 'centre';
}
