import type { AddressInfo } from 'node:net';
import { displayHost, isLoopbackHost } from '@lifeline/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CentreError } from './centre-errors.js';
import { buildCentreHttp } from './http-api.js';
import { MirrorService } from './mirror-service.js';
import type { Partition } from './partition.js';

export interface CentreOptions {
  readonly brokerUrl: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly log: Logger;
  readonly token?: string;
  readonly partition?: Partition;
  readonly resyncRetryMs?: number;
  readonly answerTimeoutMs?: number;
}

export interface RunningCentre {
  readonly service: MirrorService;
  readonly http: FastifyInstance;
  readonly url: string;
  stop(): Promise<void>;
}

/** Mirror + HTTP API, started together and stopped in reverse order. */
export async function startCentre(options: CentreOptions): Promise<RunningCentre> {
  const service = new MirrorService({
    brokerUrl: options.brokerUrl,
    log: options.log,
    ...(options.partition ? { partition: options.partition } : {}),
    ...(options.resyncRetryMs !== undefined ? { resyncRetryMs: options.resyncRetryMs } : {}),
    ...(options.answerTimeoutMs !== undefined ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
  });
  if (!isLoopbackHost(options.httpHost) && options.token === undefined) {
    // Locked-down defaults (docs/security.md): reads are for the centre's own network, writes need a token.
    options.log.warn(
      { host: options.httpHost },
      'the centre API listens off loopback without --token: anyone who reaches it may ack, shelve and change limits',
    );
  }
  await service.start();
  let http: FastifyInstance | undefined;
  try {
    http = await buildCentreHttp(service, { log: options.log, ...(options.token !== undefined ? { token: options.token } : {}) });
    await http.listen({ host: options.httpHost, port: options.httpPort }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new CentreError('LL_ERR_CENTRE_PORT_IN_USE', options.httpPort, options.httpHost) : e;
    });
  } catch (e) {
    await http?.close();
    await service.stop();
    throw e;
  }
  const app = http;
  const { port } = app.server.address() as AddressInfo;
  const host = displayHost(options.httpHost);
  return {
    service,
    http: app,
    url: `http://${host}:${port}`,
    async stop() {
      await app.close();
      await service.stop();
    },
  };
}
