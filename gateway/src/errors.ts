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
  LL_ERR_TWIN_DESIRED_INVALID: {
    message: 'twin/desired is malformed: %s',
    hint: 'send the shape of docs/schemas/twin-desired.schema.json; every reason lists its JSON pointer',
    transient: false,
  },
  LL_ERR_TWIN_COMMAND_INVALID: {
    message: 'cmd/%s is malformed: %s',
    hint: 'send the shape of docs/schemas/%s-command.schema.json',
    transient: false,
  },
  LL_ERR_TWIN_UNAUTHORISED: {
    message: 'user "%s" may not %s on device %s',
    hint: 'grant it in the site config under twin.authorise (user, may, devices)',
    transient: false,
  },
  LL_ERR_TWIN_STALE_VERSION: {
    message: 'limits changed since version %s; they are at version %s now',
    hint: 'read the twin again (reported.limitsVersion), check the limits, and resend with the new ifLimitsVersion',
    transient: false,
  },
  LL_ERR_TWIN_UNKNOWN_TARGET: {
    message: 'no %s %s on this gateway',
    hint: 'use an id from the reported twin: limits for limit changes, alarms for acks and shelving',
    transient: false,
  },
  LL_ERR_TWIN_LIMIT_REFUSED: {
    message: 'the alarm engine refused the limit change: %s',
    hint: 'keep lolo ≤ lo ≤ hi ≤ hihi and values inside the point range; nothing was changed',
    transient: false,
  },
  LL_ERR_TWIN_NO_ALARM_CONTROL: {
    message: 'this gateway cannot apply desired changes or alarm commands: its alarm engine offers no control',
    hint: 'upgrade the gateway to a release whose alarm engine implements AlarmControl',
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
