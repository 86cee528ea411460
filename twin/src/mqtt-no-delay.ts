import type { MqttClient } from 'mqtt';

/**
 * Turns off Nagle's algorithm on an MQTT client's socket, now and after every
 * reconnect. MQTT.js leaves it on, so a small PUBLISH written while an earlier
 * packet is still unacknowledged at the TCP level waits for that ACK — up to
 * the peer's delayed-ACK time (40 ms on Linux). An alarm cannot wait for that.
 * Brokers have the same switch (Mosquitto `set_tcp_nodelay`, EMQX `nodelay`).
 */
export function sendWithoutDelay(client: MqttClient): MqttClient {
  const apply = () => (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
  apply();
  client.on('connect', apply);
  return client;
}
