import { type ErrorSpec, errorFactory } from '@lifeline/core';

export { type ErrorSpec, isLifelineError, isTransientError, LifelineError } from '@lifeline/core';

/**
 * The gateway's error catalog: every error a user can meet has a stable code,
 * a message and a hint that says how to fix it (STYLE habit 2). The config
 * loader's errors are the core's (CORE_ERRORS); `docs/errors.md` is generated
 * from every catalog and a unit test keeps the two in step.
 */
export const GATEWAY_ERRORS = {
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
  LL_ERR_ALARM_STORE: {
    message: 'cannot open the alarm state store %s: %s',
    hint: 'make stateDir (or LIFELINE_STATE_DIR) a writable folder on a local disk',
    transient: false,
  },
  LL_ERR_ALARM_UNKNOWN: {
    message: 'no alarm "%s"',
    hint: 'use an alarm id {device}/{point}/{condition} from GET /api/alarms or the alarms topic',
    transient: false,
  },
  LL_ERR_ALARM_COMMAND: {
    message: 'alarm command refused: %s',
    hint: 'check the alarm state first: only unacknowledged alarms can be acked, only shelved ones unshelved',
    transient: false,
  },
  LL_ERR_ACTION_READBACK: {
    message: 'local action wrote %s to %s/%s but read back %s',
    hint: 'the device did not take the value: check the output wiring and that the point is not locally overridden; the action retries',
    transient: true,
  },
  LL_ERR_ACTION_FAILED: {
    message: 'local action %s could not write %s/%s: %s',
    hint: 'an action alarm is raised; check the device link and the output, the action runs again when its condition returns',
    transient: false,
  },
  LL_ERR_MODBUS_TIMEOUT: {
    message: 'device %s unit %s did not answer %s within %s ms',
    hint: 'check the unit id, wiring and baud rate; a unit that keeps timing out is skipped by its circuit breaker',
    transient: true,
  },
  LL_ERR_MODBUS_BAD_FRAME: {
    message: 'device %s unit %s sent a malformed answer to %s: %s',
    hint: 'a bad CRC, short frame, wrong unit id or function code: check for noise, termination and two masters on the bus',
    transient: true,
  },
  LL_ERR_MODBUS_OUT_OF_STEP: {
    message: 'device %s unit %s: Modbus TCP stream out of step, reconnecting: %s',
    hint: 'an answer had a bad MBAP header (protocol id, length), was cut short or was line noise, and the next exchange was not clean either; the gateway reopens the link. If it repeats, check the device or protocol converter firmware and the network path',
    transient: true,
  },
  LL_ERR_DEVICE_OFFLINE: {
    message: 'device %s is offline: %s',
    hint: 'the link is down or the circuit breaker is open; the gateway keeps probing and recovers on its own',
    transient: true,
  },
  LL_ERR_UNKNOWN_TRANSPORT: {
    message: 'no driver for transport "%s" (device %s); drivers: %s',
    hint: 'give the device one of the listed transports; a new transport needs a driver in the driver registry (docs/architecture.md)',
    transient: false,
  },
  LL_ERR_UNKNOWN_POINT: {
    message: 'no point %s on device %s',
    hint: 'use a device id from the site config and a point id from its profile',
    transient: false,
  },
  LL_ERR_WRITE_NOT_WRITABLE: {
    message: 'point %s/%s is not writable',
    hint: 'only points with `writable: true` in the profile can be written',
    transient: false,
  },
  LL_ERR_WRITE_REFUSED: {
    message: 'device %s refused the write of %s: %s',
    hint: 'the device answered with an exception or a bad status: check the register map and that the output is in remote mode',
    transient: false,
  },
  LL_ERR_WRITE_MISMATCH: {
    message: 'wrote %s to %s/%s but read back %s',
    hint: 'the device accepted the write but holds another value: it may be in local/manual mode or clamp the value',
    transient: false,
  },
  LL_ERR_WRITE_TIMEOUT: {
    message: 'write of %s/%s got no answer: %s',
    hint: 'the write may or may not have taken effect; it is safe to retry (writes set absolute values)',
    transient: true,
  },
  LL_ERR_OPCUA_CONNECT: {
    message: 'OPC UA %s for device %s at %s failed: %s',
    hint: 'check the endpoint URL, security mode and policy, credentials, and that the server trusts our certificate; the client reconnects on its own',
    transient: true,
  },
  LL_ERR_OPCUA_NODE: {
    message: 'OPC UA device %s point %s: %s',
    hint: "check the point's nodeId or browsePath against the server's address space (browse it with an OPC UA client)",
    transient: false,
  },
  LL_ERR_OPCUA_TYPE: {
    message: 'OPC UA device %s point %s sent a %s, expected a number or boolean',
    hint: 'map the point to a variable of a numeric or Boolean DataType',
    transient: false,
  },
  LL_ERR_LINK_REFUSED: {
    message: 'nothing accepts connections at %s (%s)',
    hint: 'check the address and port (Modbus TCP is usually 502, a serial device server often 4001 or 8899), that the device is powered and on this network, and that no firewall drops the port',
    transient: true,
  },
  LL_ERR_LINK_UNREACHABLE: {
    message: 'cannot reach %s: %s',
    hint: "check the IP address, the cable or VLAN and this machine's route to it (ping it); a device that allows one TCP client may be held by another master",
    transient: true,
  },
  LL_ERR_SERIAL_NOT_FOUND: {
    message: 'serial port %s does not exist',
    hint: 'plug the USB–RS-485 adapter in and list the ports: ls /dev/ttyUSB* /dev/ttyS* /dev/serial/by-id/',
    transient: false,
  },
  LL_ERR_SERIAL_PERMISSION: {
    message: 'permission denied opening serial port %s',
    hint: 'add the user to the dialout group (sudo usermod -aG dialout $USER, then log in again), or run as a user that may open it',
    transient: false,
  },
  LL_ERR_SERIAL_BUSY: {
    message: 'serial port %s is busy: another program holds it (%s)',
    hint: 'a serial bus has one master: stop the running gateway, mbpoll or terminal that holds it (fuser -v %s names it)',
    transient: false,
  },
  LL_ERR_NO_ANSWER: {
    message: 'unit %s on %s did not answer (%s)',
    hint: 'check the unit id, baud rate, parity and wiring (A/B swapped, termination); `lifeline-gateway scan` lists the unit ids that answer',
    transient: true,
  },
  LL_ERR_WRITE_UNCONFIRMED: {
    message: 'not writing %s to %s: a write changes a live output and needs --yes',
    hint: 'check the point and the value, then repeat the command with --yes',
    transient: false,
  },
  LL_ERR_UNKNOWN_DEVICE: {
    message: 'no device "%s" in %s; devices: %s',
    hint: 'use one of the listed device ids (the `id:` of an entry under devices:)',
    transient: false,
  },
  LL_ERR_POINT_LIST_UNREADABLE: {
    message: 'cannot read the point list %s: %s',
    hint: 'give a .csv (UTF-8 or GB18030, as Excel saves it) or an .xlsx workbook; docs/point-list-template.csv shows the columns',
    transient: false,
  },
  LL_ERR_POINT_LIST_COLUMNS: {
    message: 'the point list %s has no %s column (header row %s: %s)',
    hint: 'name the columns in a header row, in English or Chinese: at least name and address, then function code or table, data type, word order, scale, unit (docs/point-list-template.csv)',
    transient: false,
  },
  LL_ERR_POINT_LIST_ROWS: {
    message: '%s: %s row(s) could not be converted; nothing was written',
    hint: 'fix the listed rows in the point list, or pass --skip-bad-rows to write a profile of the rows that converted',
    transient: false,
  },
  LL_ERR_OUTPUT_EXISTS: {
    message: '%s already exists',
    hint: 'name another file with --out, or pass --force to overwrite it',
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
  LL_ERR_TLS_MATERIAL: {
    message: 'cannot load the TLS certificate of the %s: %s',
    hint: 'give readable PEM certFile and keyFile (docs/security.md "TLS"), or selfSigned: true with openssl installed',
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
  LL_ERR_TWIN_STALE_REQUEST: {
    message: '%s issued at %s is outside the %s ms window around the gateway clock (%s)',
    hint: 'send requests when they are made, with issuedAt = now; check both clocks (NTP); twin.commandMaxAgeMs sets the window',
    transient: false,
  },
  LL_ERR_TWIN_REPLAYED: {
    message: 'clientToken "%s" was already used',
    hint: 'give every request a fresh clientToken (a UUID); a replayed request is never obeyed twice',
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
  LL_ERR_HTTP_UNAUTHORIZED: {
    message: '%s needs a bearer token',
    hint: 'send "Authorization: Bearer <token>" with a token from http.tokens or LIFELINE_{VIEWER,OPERATOR,ADMIN}_TOKEN',
    transient: false,
    httpStatus: 401,
  },
  LL_ERR_HTTP_ORIGIN: {
    message: 'a page from %s may not open the live feed of this gateway',
    hint: "open the dashboard from the gateway itself, or add the page's origin to http.allowedOrigins",
    transient: false,
  },
  LL_ERR_HTTP_FORBIDDEN: {
    message: 'user %s (role %s) may not %s: it needs role %s',
    hint: 'use a token of that role or higher (viewer < operator < admin)',
    transient: false,
    httpStatus: 403,
  },
  LL_ERR_HTTP_BAD_REQUEST: {
    message: 'bad request: %s %s',
    hint: 'see the route in the OpenAPI document at /docs',
    transient: false,
    httpStatus: 400,
  },
  LL_ERR_HTTP_NOT_FOUND: {
    message: '%s "%s" not found',
    hint: 'GET /api/points and GET /api/alarms list what exists',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_HTTP_NO_ROUTE: {
    message: 'no route %s %s',
    hint: 'the OpenAPI document at /docs lists the routes',
    transient: false,
    httpStatus: 404,
  },
  LL_ERR_HTTP_REFUSED: {
    message: 'the alarm engine refused %s of %s: %s',
    hint: 'check the alarm state in GET /api/alarms; e.g. only an alarm in an active state can be acknowledged',
    transient: false,
    httpStatus: 409,
  },
  LL_ERR_HTTP_RATE_LIMITED: {
    message: 'too many write requests: at most %s per %s ms',
    hint: 'wait and retry; http.writeRateLimit sets the limit',
    transient: true,
    httpStatus: 429,
  },
  LL_ERR_HTTP_UNAVAILABLE: {
    message: '%s is not available in this gateway',
    hint: 'the subsystem that provides it is not running or not wired into the HTTP view',
    transient: false,
    httpStatus: 503,
  },
  LL_ERR_HTTP_INTERNAL: {
    message: 'internal error in %s',
    hint: 'see the gateway log for the cause; the gateway keeps running',
    transient: false,
    httpStatus: 500,
  },
} as const satisfies Record<string, ErrorSpec>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** A gateway error by code, with the message's and hint's `%s` filled in order. */
export const gatewayError = errorFactory<GatewayErrorCode>(GATEWAY_ERRORS);
