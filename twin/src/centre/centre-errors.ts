import { type ErrorSpec, LifelineError } from '@lifeline/core';

/**
 * Coded errors of the centre mirror (docs/errors.md), in the one error shape
 * of every package: the HTTP API answers them in the one error body, the CLI
 * prints them. `httpStatus` is absent for errors only the CLI meets.
 */
export const CENTRE_ERRORS = {
  LL_ERR_CENTRE_UNKNOWN_GATEWAY: {
    message: 'no gateway %s/%s has been seen on the broker',
    hint: 'GET /api/twins lists the gateways whose status or twin reached this centre; check the site and gateway ids',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_CENTRE_BAD_REQUEST: {
    message: 'bad request: %s',
    hint: 'send a JSON object as the centre API describes it (docs/twin.md)',
    transient: false,
    httpStatus: 400,
  },
  LL_ERR_CENTRE_NO_ROUTE: {
    message: 'no route %s %s',
    hint: 'the centre API serves /api/twins, /api/twins/{site}/{gateway} and its commands (docs/twin.md)',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_CENTRE_UNAUTHORISED: {
    message: 'a bearer token is required to write (--token / LIFELINE_CENTRE_TOKEN)',
    hint: 'send Authorization: Bearer <the token the centre was started with>',
    transient: false,
    httpStatus: 401,
  },
  LL_ERR_CENTRE_TIMEOUT: {
    message: 'gateway %s/%s did not answer within %s ms',
    hint: 'the gateway may be offline or its link slow; its retained status says which, and the request may be retried',
    transient: true,
    httpStatus: 504,
  },
  LL_ERR_CENTRE_BROKER_DOWN: {
    message: 'not connected to the broker %s',
    hint: 'the centre reconnects by itself; check the broker URL and that the broker runs',
    transient: true,
    httpStatus: 503,
  },
  LL_ERR_CENTRE_BAD_PAYLOAD: {
    message: 'a gateway sent a payload that does not match its schema',
    hint: 'the payload is dropped and logged; check the gateway version against the topic contract (docs/topics.md)',
    transient: false,
  },
  LL_ERR_CENTRE_PORT_IN_USE: {
    message: 'HTTP port %s on %s is already in use: set --http-port or LIFELINE_CENTRE_HTTP_PORT',
    hint: 'stop whatever holds the port, or choose another',
    transient: false,
  },
  LL_ERR_CENTRE_USAGE: {
    message: '%s',
    hint: 'lifeline-centre --help lists the options',
    transient: false,
  },
} as const satisfies Record<string, ErrorSpec>;

export type CentreErrorCode = keyof typeof CENTRE_ERRORS;

export class CentreError extends LifelineError {
  declare readonly code: CentreErrorCode;
  /** The HTTP status the centre API answers with (0: a CLI-only error). */
  readonly status: number;

  constructor(code: CentreErrorCode, ...args: unknown[]) {
    super(code, CENTRE_ERRORS[code], args);
    this.name = 'CentreError';
    this.status = this.httpStatus ?? 0;
  }
}
