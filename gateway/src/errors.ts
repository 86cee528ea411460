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
  LL_ERR_UPLINK_OFFLINE: {
    message: 'uplink %s to %s is offline',
    hint: 'nothing is lost: records wait in the outbox and go out, marked historical, when the link is back',
    transient: true,
  },
  LL_ERR_UPLINK_TIMEOUT: {
    message: 'uplink %s: no PUBACK within %s ms',
    hint: 'the broker is slow or the link dropped; the outbox cursor did not move and the records are sent again',
    transient: true,
  },
  LL_ERR_UPLINK_UNREACHABLE: {
    message: 'uplink %s cannot reach %s: %s',
    hint: 'check the URL, DNS, firewall and that the broker runs; the gateway keeps reconnecting with backoff',
    transient: true,
  },
  LL_ERR_UPLINK_REFUSED: {
    message: 'uplink %s: broker %s refused the connection: %s',
    hint: 'check username, password (or its environment variable) and the client id the broker allows',
    transient: false,
  },
  LL_ERR_UPLINK_TLS: {
    message: 'uplink %s: TLS with %s failed: %s',
    hint: 'check mqtt.centre.tls: the CA file must sign the broker certificate, whose name must match the URL host; client cert and key must pair',
    transient: false,
  },
  LL_ERR_INFLUX_UNREACHABLE: {
    message: 'InfluxDB sink %s cannot write to %s: %s',
    hint: 'check the URL and that the server runs; points wait in the outbox and are retried with backoff',
    transient: true,
  },
  LL_ERR_INFLUX_REJECTED: {
    message: 'InfluxDB sink %s: %s answered HTTP %s: %s',
    hint: 'check the token or user/password, org, bucket or database and retention policy; points wait in the outbox until it is fixed',
    transient: false,
  },
  LL_ERR_STORE_OPEN: {
    message: 'cannot open the outbox store %s: %s',
    hint: 'check that stateDir is writable and not used by another gateway process',
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
