import type { ErrorSpec, LifelineApi, LifelineError } from './lifeline-api.js';

/**
 * The nodes' error catalog, in the gateway's format (code, message, hint):
 * every code is listed in docs/node-red.md and a test keeps the two in step.
 */
export const NODE_ERRORS = {
  LL_ERR_NODE_CONFIG: {
    message: '%s: %s',
    hint: 'open the node in the editor and correct the field named; the node does nothing until it is valid',
    transient: false,
  },
  LL_ERR_NODE_INPUT: {
    message: 'msg.%s %s',
    hint: 'see the node help (Info tab) for the message properties it accepts; types are never coerced',
    transient: false,
  },
  LL_ERR_NODE_GATEWAY_MESSAGE: {
    message: 'ignored a message on %s: %s',
    hint: 'the gateway or another client published a payload outside the topic contract (docs/topics.md)',
    transient: false,
  },
  LL_ERR_NODE_TIMEOUT: {
    message: 'no answer on %s for clientToken %s within %s ms',
    hint: 'check that the gateway is online (its retained status topic) and the site and gateway ids match',
    transient: true,
  },
  LL_ERR_NODE_NO_TWIN: {
    message: 'no twin received on %s within %s ms',
    hint: 'the gateway publishes its twin retained on connect: check the broker URL and the site and gateway ids',
    transient: true,
  },
  LL_ERR_NODE_SIM_HTTP: {
    message: 'simulator %s %s answered HTTP %s: %s',
    hint: 'check the simulator URL and the device, point or scenario name (GET /devices lists them)',
    transient: false,
  },
  LL_ERR_NODE_SIM_UNREACHABLE: {
    message: 'simulator %s %s failed: %s',
    hint: 'check that the simulator runs and its control API URL (simulator.http in the site config)',
    transient: true,
  },
} as const satisfies Record<string, ErrorSpec>;

export type NodeErrorCode = keyof typeof NODE_ERRORS;

export function nodeError(api: LifelineApi, code: NodeErrorCode, ...args: unknown[]): LifelineError {
  return new api.core.LifelineError(code, NODE_ERRORS[code], args);
}
