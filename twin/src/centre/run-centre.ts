import type { AddressInfo } from 'node:net';
import { displayHost, isLoopbackHost } from '@lifeline/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CentreError } from './centre-errors.js';
import { buildCentreHttp } from './http-api.js';
import { MirrorService } from './mirror-service.js';
import type { Operators } from './operators.js';
import type { CentreStore } from './store/centre-store.js';
import { MemoryCentreStore } from './store/memory-store.js';
import { PgCentreStore } from './store/pg-store.js';

/** The shared-subscription group of every instance, unless told otherwise. */
export const DEFAULT_SHARE_GROUP = 'lifeline-centre';

export interface CentreOptions {
  readonly brokerUrl: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly log: Logger;
  /** `postgres://…`: the shared store, and shared subscriptions; absent, one instance in memory. */
  readonly dbUrl?: string;
  readonly shareGroup?: string;
  /** Stable across restarts of this instance (its MQTT sessions are named after it). */
  readonly instanceId?: string;
  readonly consumers?: number;
  readonly poolSize?: number;
  readonly token?: string;
  readonly operators?: Operators;
  readonly resyncRetryMs?: number;
  readonly gapRetryDelaysMs?: readonly number[];
  readonly answerTimeoutMs?: number;
}

export interface RunningCentre {
  readonly service: MirrorService;
  readonly store: CentreStore;
  readonly http: FastifyInstance;
  readonly url: string;
  stop(): Promise<void>;
  /** Drops the broker connections without a goodbye, as a crash would (tests). */
  kill(): Promise<void>;
}

/** Store, mirror and HTTP API, started together and stopped in reverse order. */
export async function startCentre(options: CentreOptions): Promise<RunningCentre> {
  const store: CentreStore =
    options.dbUrl === undefined
      ? new MemoryCentreStore()
      : await PgCentreStore.open({ url: options.dbUrl, ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
  const shareGroup = options.dbUrl === undefined ? undefined : (options.shareGroup ?? DEFAULT_SHARE_GROUP);
  const service = new MirrorService({
    brokerUrl: options.brokerUrl,
    log: options.log,
    store,
    ...(shareGroup !== undefined ? { shareGroup } : {}),
    ...(options.instanceId !== undefined ? { instanceId: options.instanceId } : {}),
    ...(options.consumers !== undefined ? { consumers: options.consumers } : {}),
    ...(options.resyncRetryMs !== undefined ? { resyncRetryMs: options.resyncRetryMs } : {}),
    ...(options.gapRetryDelaysMs !== undefined ? { gapRetryDelaysMs: options.gapRetryDelaysMs } : {}),
    ...(options.answerTimeoutMs !== undefined ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
  });
  if (!isLoopbackHost(options.httpHost) && options.token === undefined && !options.operators?.size) {
    // Locked-down defaults (docs/security.md): reads are for the centre's own network, writes need a token.
    options.log.warn(
      { host: options.httpHost },
      'the centre API listens off loopback without --token or --operators: anyone who reaches it may ack, shelve and change limits',
    );
  }
  let http: FastifyInstance | undefined;
  try {
    await service.start();
    http = await buildCentreHttp(service, {
      log: options.log,
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.operators ? { operators: options.operators } : {}),
    });
    await http.listen({ host: options.httpHost, port: options.httpPort }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new CentreError('LL_ERR_CENTRE_PORT_IN_USE', options.httpPort, options.httpHost) : e;
    });
  } catch (e) {
    await http?.close();
    await service.stop();
    await store.close();
    throw e;
  }
  const app = http;
  const { port } = app.server.address() as AddressInfo;
  const host = displayHost(options.httpHost);
  const halt = async (abrupt: boolean) => {
    await app.close();
    await service.stop(abrupt);
    await store.close();
  };
  return { service, store, http: app, url: `http://${host}:${port}`, stop: () => halt(false), kill: () => halt(true) };
}
