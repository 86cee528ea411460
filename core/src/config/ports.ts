import type { Server } from 'node:net';
import { coreError, type LifelineError } from '../errors/index.js';
import { PORT_VARIABLES, type PortKind } from './defaults.js';

/**
 * Parses a port override from the environment (e.g. LIFELINE_HTTP_PORT);
 * a value that is not a port is an error naming the variable, not a silent default.
 */
export function portFromEnv(kind: PortKind, env: NodeJS.ProcessEnv): number | undefined {
  const name = PORT_VARIABLES[kind];
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw coreError('LL_ERR_CONFIG_ENV', name, raw, 'a port number 0-65535');
  }
  return port;
}

/** Listens, turning EADDRINUSE into a one-line error that names the variable to change. */
export function listenOrExplain(server: Server, kind: PortKind, what: string, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? portInUse(kind, what, host, port) : e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function portInUse(kind: PortKind, what: string, host: string, port: number): LifelineError {
  return coreError('LL_ERR_PORT_IN_USE', what, port, host, PORT_VARIABLES[kind]);
}
