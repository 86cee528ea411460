/**
 * Coded errors of the centre mirror (docs/errors.md, "Centre mirror"): the
 * HTTP API answers `{code, message}` with them and the CLI prints them.
 * twin/ imports nothing of ours, so the mirror keeps its own small catalog.
 */
export const CENTRE_ERRORS = {
  LL_ERR_CENTRE_UNKNOWN_GATEWAY: { status: 404, message: 'no gateway %s/%s has been seen on the broker' },
  LL_ERR_CENTRE_BAD_REQUEST: { status: 400, message: 'bad request: %s' },
  LL_ERR_CENTRE_UNAUTHORISED: { status: 401, message: 'a bearer token is required to write (--token / LIFELINE_CENTRE_TOKEN)' },
  LL_ERR_CENTRE_TIMEOUT: { status: 504, message: 'gateway %s/%s did not answer within %s ms' },
  LL_ERR_CENTRE_BROKER_DOWN: { status: 503, message: 'not connected to the broker %s' },
  LL_ERR_CENTRE_BAD_PAYLOAD: { status: 0, message: 'a gateway sent a payload that does not match its schema' },
  LL_ERR_CENTRE_PORT_IN_USE: { status: 0, message: 'HTTP port %s on %s is already in use: set --http-port or LIFELINE_CENTRE_HTTP_PORT' },
  LL_ERR_CENTRE_USAGE: { status: 0, message: '%s' },
} as const;

export type CentreErrorCode = keyof typeof CENTRE_ERRORS;

export class CentreError extends Error {
  readonly code: CentreErrorCode;
  readonly status: number;

  constructor(code: CentreErrorCode, ...args: unknown[]) {
    let i = 0;
    super(CENTRE_ERRORS[code].message.replace(/%s/g, () => String(args[i++] ?? '?')));
    this.name = 'CentreError';
    this.code = code;
    this.status = CENTRE_ERRORS[code].status;
  }
}
