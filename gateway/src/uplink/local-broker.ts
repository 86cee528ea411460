import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { checkExposure, DEFAULTS, type LocalUser, listenOrExplain } from '@lifeline/core';
import type { GatewayTopics } from '@lifeline/twin';
import type { Aedes, AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-log.js';
import { LocalAcl } from './local-acl.js';
import { settleMqttPacketCaches } from './mqtt-packet-caches.js';
import { guardPacketSize } from './packet-size-guard.js';

/** The gateway's own client on its local broker: may publish and subscribe anywhere. */
export const GATEWAY_LOCAL_USER = 'lifeline-gateway';

export interface LocalBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly users?: readonly LocalUser[] | undefined;
  /** The gateway's topics: only the gateway publishes under its own, and commands need a login (LocalAcl). */
  readonly topics: GatewayTopics;
  /** Off loopback without users, listen anyway (warned at every start); else LL_ERR_INSECURE_LISTENER. */
  readonly allowInsecure?: boolean;
  /** Where refused publishes are recorded (docs/security.md), stamped with `now` (the gateway clock). */
  readonly audit?: { readonly sink: AuditSink; readonly now: () => number };
  /** MQTTS only: a plain MQTT connection fails its TLS handshake and is closed. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
  /** Largest packet a client other than the gateway may send (mqtt.local.maxPacketBytes); refused before it is buffered. */
  readonly maxPacketBytes?: number;
}

/**
 * The embedded MQTT broker (aedes) for site-local consumers: Node-RED, an HMI,
 * and the gateway's own local uplink. Plain TCP on the configured port. With
 * `users`, clients authenticate and are held to their topic ACLs; the gateway
 * itself always logs in, with a per-process random password (`gatewayCredentials`).
 * Commands are obeyed only from logged-in users naming themselves (LocalAcl).
 */
export class LocalBroker {
  readonly gatewayCredentials = { username: GATEWAY_LOCAL_USER, password: randomBytes(18).toString('base64url') };
  #broker: Aedes | undefined;
  #server: Server | undefined;
  #port = 0;
  #denied = 0;
  /** The principal each connection proved at CONNECT; absent = anonymous. */
  readonly #principals = new WeakMap<object, string>();

  get port(): number {
    return this.#port;
  }

  /** Connections, publishes and subscriptions refused since start. */
  get denied(): number {
    return this.#denied;
  }

  async start(options: LocalBrokerOptions, log: Logger): Promise<number> {
    const { host, port, users = [] } = options;
    const exposure = checkExposure({
      what: 'local MQTT broker',
      host,
      authenticated: users.length > 0,
      allowInsecure: options.allowInsecure ?? false,
      configKey: 'mqtt.local',
    });
    if (exposure.warning) log.warn(exposure.warning);
    const gateway = { ...this.gatewayCredentials, publish: ['#'], subscribe: ['#'] };
    const acl = new LocalAcl(users, { gateway, topics: options.topics });
    // Loaded here, not at import: a site with `mqtt.local.enabled: false` never pays aedes's ~12 MB (docs/BENCHMARKS.md).
    const { Aedes: AedesBroker } = await import('aedes');
    settleMqttPacketCaches();
    const broker = await AedesBroker.createBroker(this.#hooks(acl, log, options.audit));
    const handle = this.#boundedHandle(broker, options.maxPacketBytes ?? DEFAULTS.mqttLocalMaxPacketBytes, log);
    // noDelay: an alarm to a local subscriber is not held back by Nagle's algorithm (twin/src/mqtt-no-delay.ts).
    const server = options.tls
      ? createTlsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2', noDelay: true }, handle)
      : createServer({ noDelay: true }, handle);
    try {
      this.#port = await listenOrExplain(server, 'mqtt', 'local MQTT broker', host, port);
    } catch (e) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw e;
    }
    this.#broker = broker;
    this.#server = server;
    broker.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'local mqtt client error'));
    log.info({ host, port: this.#port, auth: !acl.open, tls: !!options.tls }, 'local MQTT broker listening');
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

  /** aedes's connection handler with every packet's size bounded (packet-size-guard.ts); the gateway's own client is not. */
  #boundedHandle(broker: Aedes, maxBytes: number, log: Logger): Aedes['handle'] {
    return (conn, req) => {
      const client = broker.handle(conn, req);
      guardPacketSize(client, {
        maxBytes: () => (this.#principals.get(client) === GATEWAY_LOCAL_USER ? undefined : maxBytes),
        onRefused: (detail) => {
          this.#denied += 1;
          log.warn({ client: client.id, username: this.#principals.get(client), ...detail }, 'local broker refused an oversize packet');
        },
      });
      return client;
    };
  }

  #hooks(acl: LocalAcl, log: Logger, audit: LocalBrokerOptions['audit']): Partial<AedesOptions> {
    const users = this.#principals;
    const deny = (what: string, detail: Record<string, unknown>) => {
      this.#denied += 1;
      log.warn(detail, `local broker denied ${what}`);
    };
    return {
      authenticate: (client, username, password, done) => {
        const principal = acl.authenticate(username, password);
        if (principal !== false) {
          if (principal !== null) users.set(client, principal);
          return done(null, true);
        }
        deny('login', { client: client.id, username });
        // CONNACK 0x05 "not authorized" (MQTT 3.1.1 §3.2.2.3).
        const err = Object.assign(new Error('not authorized'), { returnCode: 5 });
        done(err as Parameters<typeof done>[0], false);
      },
      authorizePublish: (client, packet, done) => {
        if (client === null) return done(null);
        const username = users.get(client);
        const refusal = acl.publishRefusal(username, packet.topic, packet.payload as Buffer);
        if (refusal === undefined) return done(null);
        deny('publish', { client: client.id, username, topic: packet.topic, refusal });
        audit?.sink.record({
          ts: new Date(audit.now()).toISOString(),
          origin: 'local',
          principal: username ?? 'anonymous',
          action: 'publish',
          target: packet.topic.slice(0, 200),
          outcome: 'refused',
          code: refusal,
        });
        // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection [MQTT-3.3.5-2]; nothing is delivered.
        done(new Error(`publish to ${packet.topic} not allowed (${refusal})`));
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
