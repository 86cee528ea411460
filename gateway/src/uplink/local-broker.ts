import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { listenOrExplain } from '../config/index.js';

/**
 * The embedded MQTT broker (aedes) for site-local consumers: Node-RED, an HMI,
 * and the gateway's own local uplink. Plain TCP on the configured port.
 */
export class LocalBroker {
  #broker: Aedes | undefined;
  #server: Server | undefined;
  #port = 0;

  get port(): number {
    return this.#port;
  }

  async start(host: string, port: number, log: Logger): Promise<number> {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    try {
      this.#port = await listenOrExplain(server, 'mqtt', 'local MQTT broker', host, port);
    } catch (e) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw e;
    }
    this.#broker = broker;
    this.#server = server;
    broker.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'local mqtt client error'));
    log.info({ host, port: this.#port }, 'local MQTT broker listening');
    return this.#port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    const broker = this.#broker;
    this.#server = undefined;
    this.#broker = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
