/**
 * The gateway's error catalog: every error a user can meet has a stable code,
 * a message and a hint that says how to fix it. `docs/errors.md` lists them
 * and a unit test keeps the two in step.
 */
export interface ErrorSpec {
  readonly message: string;
  readonly hint: string;
  /** Transient errors are retried; the rest are reported and wait for a fix. */
  readonly transient: boolean;
}

export const GATEWAY_ERRORS = {
  LL_ERR_CONFIG_NOT_FOUND: {
    message: 'cannot read %s: %s',
    hint: 'check the path; relative paths are resolved from the current directory',
    transient: false,
  },
  LL_ERR_CONFIG_INVALID: {
    message: '%s has %s error(s)',
    hint: 'fix each listed line; `lifeline-gateway validate FILE` checks a file without starting anything',
    transient: false,
  },
  LL_ERR_CONFIG_ENV: {
    message: 'environment variable %s="%s" is not %s',
    hint: 'unset it or give it a valid value',
    transient: false,
  },
  LL_ERR_PROFILE_NOT_FOUND: {
    message: 'device profile "%s" not found in %s',
    hint: 'use the id of a YAML file in device-profiles/ (its `id:`), or set profilesDir in the site config',
    transient: false,
  },
  LL_ERR_PORT_IN_USE: {
    message: '%s port %s on %s is already in use',
    hint: 'stop whatever holds it, or set %s to a free port',
    transient: false,
  },
  LL_ERR_MODBUS_IO: {
    message: 'Modbus %s from %s unit %s failed: %s',
    hint: 'check wiring, address, unit id and the device power; the poller retries with backoff',
    transient: true,
  },
  LL_ERR_MODBUS_EXCEPTION: {
    message: 'device %s unit %s answered Modbus exception %s (%s)',
    hint: 'the device refused the request: check the register map in the profile against the device manual',
    transient: false,
  },
  LL_ERR_HTTP_UNAUTHORIZED: {
    message: '%s needs a bearer token',
    hint: 'send "Authorization: Bearer <token>" with a token from http.tokens or LIFELINE_{VIEWER,OPERATOR,ADMIN}_TOKEN',
    transient: false,
  },
  LL_ERR_HTTP_FORBIDDEN: {
    message: 'user %s (role %s) may not %s: it needs role %s',
    hint: 'use a token of that role or higher (viewer < operator < admin)',
    transient: false,
  },
  LL_ERR_HTTP_BAD_REQUEST: {
    message: 'bad request: %s %s',
    hint: 'see the route in the OpenAPI document at /docs',
    transient: false,
  },
  LL_ERR_HTTP_NOT_FOUND: {
    message: '%s "%s" not found',
    hint: 'GET /api/points and GET /api/alarms list what exists',
    transient: false,
  },
  LL_ERR_HTTP_REFUSED: {
    message: 'the alarm engine refused %s of %s: %s',
    hint: 'check the alarm state in GET /api/alarms; e.g. only an alarm in an active state can be acknowledged',
    transient: false,
  },
  LL_ERR_HTTP_RATE_LIMITED: {
    message: 'too many write requests: at most %s per %s ms',
    hint: 'wait and retry; http.writeRateLimit sets the limit',
    transient: true,
  },
  LL_ERR_HTTP_UNAVAILABLE: {
    message: '%s is not available in this gateway',
    hint: 'the subsystem that provides it is not running or not wired into the HTTP view',
    transient: false,
  },
  LL_ERR_HTTP_INTERNAL: {
    message: 'internal error in %s',
    hint: 'see the gateway log for the cause; the gateway keeps running',
    transient: false,
  },
} as const satisfies Record<string, ErrorSpec>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export class LifelineError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly transient: boolean;

  constructor(code: string, spec: ErrorSpec, args: readonly unknown[], options?: { cause?: unknown }) {
    super(format(spec.message, args), options);
    this.name = 'LifelineError';
    this.code = code;
    this.hint = format(spec.hint, args.slice(countPlaceholders(spec.message)));
    this.transient = spec.transient;
  }
}

export function gatewayError(code: GatewayErrorCode, ...args: unknown[]): LifelineError {
  return new LifelineError(code, GATEWAY_ERRORS[code], args);
}

export function isLifelineError(e: unknown, code?: string): e is LifelineError {
  return e instanceof LifelineError && (code === undefined || e.code === code);
}

/** Only transient errors (timeouts, resets, busy devices) are worth retrying. */
export function isTransientError(e: unknown): boolean {
  return isLifelineError(e) && e.transient;
}

/** Substitutes `%s` placeholders in order; the hint takes the arguments the message did not use. */
function format(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%s/g, () => String(args[i++] ?? '?'));
}

function countPlaceholders(template: string): number {
  return template.match(/%s/g)?.length ?? 0;
}
