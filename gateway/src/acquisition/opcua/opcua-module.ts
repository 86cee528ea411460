import { format } from 'node:util';
import type { Logger } from 'pino';

export type Opcua = typeof import('node-opcua');

let loaded: Promise<Opcua> | undefined;

/**
 * node-opcua, loaded on first use only (it is large; a Modbus-only site never
 * pays for it), with its console loggers routed to pino: runtime code logs
 * through pino only (STYLE). The loggers are process-wide, so the first
 * caller's logger receives them.
 */
export function loadOpcua(log: Logger): Promise<Opcua> {
  loaded ??= import('node-opcua').then((opcua) => {
    const child = log.child({ component: 'node-opcua' });
    opcua.setWarningLogger((...args: unknown[]) => child.warn(format(...args)));
    opcua.setErrorLogger((...args: unknown[]) => child.error(format(...args)));
    opcua.setDebugLogger((...args: unknown[]) => child.debug(format(...args)));
    return opcua;
  });
  return loaded;
}
