import { type ErrorSpec, LifelineError } from '@lifeline/core';

/** The simulator's error catalog (listed in docs/errors.md with the gateway's). */
export const SIM_ERRORS = {
  LL_ERR_SIM_UNKNOWN_DEVICE: {
    message: 'no device "%s" on this site',
    hint: 'GET /devices lists the ids',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_SIM_UNKNOWN_POINT: {
    message: 'device "%s" has no point "%s"',
    hint: 'GET /devices lists each device with its points',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_SIM_BAD_VALUE: {
    message: 'point "%s" takes %s, got %s',
    hint: 'send {"value": …} with a value of that type',
    transient: false,
    httpStatus: 400,
  },
  LL_ERR_SIM_UNKNOWN_SCENARIO: {
    message: 'no scenario "%s"',
    hint: 'GET /scenarios lists them; scenario files live in firmware-sim/scenarios/',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_SIM_SCENARIO_TARGET: {
    message: 'scenario "%s" needs a device with profile "%s", and this site has none',
    hint: 'run the scenario against a site that has such a device, or pass --device',
    transient: false,
    httpStatus: 400,
  },
  LL_ERR_SIM_UNKNOWN_FAULT: {
    message: 'no active fault "%s"',
    hint: 'GET /faults lists the active faults and their ids',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_SIM_BAD_FAULT: {
    message: 'fault %s cannot apply to device "%s": %s',
    hint: 'see docs/simulator.md for which fault applies to which transport',
    transient: false,
    httpStatus: 400,
  },
  LL_ERR_SIM_SERIAL_LINE: {
    message: 'cannot create the serial line %s: %s',
    hint: 'install socat (scripts/test-services.sh) and make sure the folder of serialPort is writable',
    transient: false,
  },
  // The control API's answer to a request fastify itself refused (schema, JSON, media type) or an unexpected failure.
  LL_ERR_SIM_REQUEST: {
    message: 'the control API refused the request: %s',
    hint: 'check the body against the OpenAPI document at /docs of the control API (docs/simulator.md)',
    transient: false,
    httpStatus: 400,
  },
  LL_ERR_SIM_NO_ROUTE: {
    message: 'no route %s %s',
    hint: 'the OpenAPI document at /openapi.json of the control API lists the routes (docs/simulator.md)',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_SIM_OPCUA_NODE: {
    message: 'OPC UA node %s is served twice on %s',
    hint: 'give each device of the same profile its own endpointUrl port',
    transient: false,
  },
} as const satisfies Record<string, ErrorSpec>;

export type SimErrorCode = keyof typeof SIM_ERRORS;

export function simError(code: SimErrorCode, ...args: unknown[]): LifelineError {
  return new LifelineError(code, SIM_ERRORS[code], args);
}
