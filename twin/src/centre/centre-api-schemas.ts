import { COMMAND_NAMES, type CommandName } from '../twin-messages.js';

/*
 * What the centre's OpenAPI document says about each route (openapi.ts):
 * names, summaries, parameters. Query strings are declared as strings, as
 * they arrive; journal-routes.ts checks their values and answers 400.
 */

const text = (description: string) => ({ type: 'string', description }) as const;

const gatewayParams = {
  type: 'object',
  required: ['site', 'gateway'],
  properties: { site: text('site id'), gateway: text('gateway id') },
} as const;

export const ROUTE_SCHEMAS = {
  health: { operationId: 'getHealth', tags: ['status'], summary: 'broker connection and how many gateways the store holds' },
  whoami: { operationId: 'whoAmI', tags: ['operators'], summary: 'the operator of the bearer token (401 without one)' },
  twins: {
    operationId: 'listTwins',
    tags: ['twins'],
    summary:
      'every gateway: online, last seen, devices, outbox backlog, active alarms, twin version, resyncs, refused messages and the last reason',
  },
  twin: { operationId: 'getTwin', tags: ['twins'], summary: "one gateway's stored twin and status", params: gatewayParams },
  statusHistory: {
    operationId: 'getStatusHistory',
    tags: ['twins'],
    summary: 'online/offline transitions, newest first',
    params: gatewayParams,
  },
  alarms: {
    operationId: 'listActiveAlarms',
    tags: ['alarms'],
    summary: 'every active alarm of every gateway, most severe first, then oldest',
  },
  journal: {
    operationId: 'searchJournal',
    tags: ['alarms'],
    summary: 'the alarm journal, newest first; format=csv exports it (RFC 4180)',
    querystring: {
      type: 'object',
      properties: {
        site: text('only this site'),
        gateway: text('only this gateway'),
        q: text('alarm id, device, point or condition contains this (case-insensitive)'),
        event: text('raise, clear, ack, shelve, unshelve, suppress'),
        priority: text('1, 2, 3 or 4'),
        limit: text('rows, 1–10000, default 500'),
        format: text('csv for a CSV file; JSON otherwise'),
      },
    },
  },
  requests: {
    operationId: 'listRequests',
    tags: ['operators'],
    summary: "who sent which desired change or command, and the gateway's answer",
    querystring: {
      type: 'object',
      properties: { site: text('only this site'), gateway: text('only this gateway'), limit: text('rows, 1–10000, default 100') },
    },
  },
  desired: {
    operationId: 'sendDesired',
    tags: ['commands'],
    summary: "a desired change (limits, delays, enable, shelve) to the gateway; answers with the gateway's result (422 when rejected)",
    params: gatewayParams,
    body: { type: 'object' },
  },
  console: {
    operationId: 'getConsole',
    tags: ['console'],
    summary: 'the alarm console (HTML); its scripts and styles are served beside it',
  },
} as const;

/** `POST /api/twins/{site}/{gateway}/{ack|shelve|…}`: the command to the gateway and its own answer (422 when it refused). */
export function commandSchema(name: CommandName) {
  return {
    operationId: `send${name[0]?.toUpperCase()}${name.slice(1)}`,
    tags: ['commands'],
    summary: `cmd/${name} to the gateway; answers with the gateway's result (422 when it refused)`,
    params: gatewayParams,
  };
}

export { COMMAND_NAMES };
