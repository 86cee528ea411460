import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { type LocalUser, listenOrExplain } from '@lifeline/core';
import type { Aedes, AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import { LocalAcl } from './local-acl.js';

/** The gateway's own client on its local broker: may publish and subscribe anywhere. */
export const GATEWAY_LOCAL_USER = 'lifeline-gateway';

/**
 * The embedded MQTT broker (aedes) for site-local consumers: Node-RED, an HMI,
 * and the gateway's own local uplink. Plain TCP on the configured port. With
 * `users`, clients authenticate and are held to their topic ACLs; the gateway
 * itself logs in with a per-process random password (`gatewayCredentials`).
 */
export class LocalBroker {
  readonly gatewayCredentials = { username: GATEWAY_LOCAL_USER, password: randomBytes(18).toString('base64url') };
  #broker: Aedes | undefined;
  #server: Server | undefined;
  #port = 0;
  #denied = 0;

  get port(): number {
    return this.#port;
  }

  /** Connections, publishes and subscriptions refused since start. */
  get denied(): number {
    return this.#denied;
  }

  async start(host: string, port: number, log: Logger, users: readonly LocalUser[] = []): Promise<number> {
    const acl = new LocalAcl(users.length === 0 ? [] : [...users, { ...this.gatewayCredentials, publish: ['#'], subscribe: ['#'] }]);
    // Loaded here, not at import: a site with `mqtt.local.enabled: false` never pays aedes's ~12 MB (docs/BENCHMARKS.md).
    const { Aedes: AedesBroker } = await import('aedes');
    const broker = await AedesBroker.createBroker(this.#hooks(acl, log));
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
    log.info({ host, port: this.#port, auth: !acl.open }, 'local MQTT broker listening');
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

  #hooks(acl: LocalAcl, log: Logger): Partial<AedesOptions> {
    const users = new WeakMap<object, string>();
    const deny = (what: string, detail: Record<string, unknown>) => {
      this.#denied += 1;
      log.warn(detail, `local broker denied ${what}`);
    };
    return {
      authenticate: (client, username, password, done) => {
        if (acl.authenticate(username, password)) {
          if (username !== undefined) users.set(client, username);
          return done(null, true);
        }
        deny('login', { client: client.id, username });
        // CONNACK 0x05 "not authorized" (MQTT 3.1.1 §3.2.2.3).
        const err = Object.assign(new Error('not authorized'), { returnCode: 5 });
        done(err as Parameters<typeof done>[0], false);
      },
      authorizePublish: (client, packet, done) => {
        if (client === null || acl.mayPublish(users.get(client), packet.topic)) return done(null);
        deny('publish', { client: client.id, topic: packet.topic });
        done(new Error(`publish to ${packet.topic} not allowed`));
      },
      authorizeSubscribe: (client, sub, done) => {
        if (acl.maySubscribe(users.get(client), sub.topic)) return done(null, sub);
        deny('subscribe', { client: client.id, filter: sub.topic });
        // A null subscription makes aedes answer SUBACK 0x80 (failure) for this filter [MQTT-3.9.3].
        done(null, null);
      },
    };
  }
}
