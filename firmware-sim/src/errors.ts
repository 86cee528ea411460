import { type ErrorSpec, LifelineError } from '@lifeline/gateway/config';

/** The simulator's error catalog (listed in docs/errors.md with the gateway's). */
export const SIM_ERRORS = {
  LL_ERR_SIM_UNKNOWN_DEVICE: {
    message: 'no device "%s" on this site',
    hint: 'GET /devices lists the ids',
    transient: false,
  },
  LL_ERR_SIM_UNKNOWN_POINT: {
    message: 'device "%s" has no point "%s"',
    hint: 'GET /devices lists each device with its points',
    transient: false,
  },
  LL_ERR_SIM_BAD_VALUE: {
    message: 'point "%s" takes %s, got %s',
    hint: 'send {"value": …} with a value of that type',
    transient: false,
  },
} as const satisfies Record<string, ErrorSpec>;

export type SimErrorCode = keyof typeof SIM_ERRORS;

export function simError(code: SimErrorCode, ...args: unknown[]): LifelineError {
  return new LifelineError(code, SIM_ERRORS[code], args);
}
