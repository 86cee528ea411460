import { ErrorBodySchema } from '@lifeline/core';
import { FAULT_KINDS } from '../faults/fault-book.js';

/** The shared body without its $id: inlined per answer, as the simulator's document declares no components. */
const { $id: _id, ...ErrorBodyShape } = ErrorBodySchema;

/**
 * JSON Schemas of the control API bodies and answers; fastify validates the
 * bodies (no coercion) and @fastify/swagger publishes everything as OpenAPI
 * 3.1, whose Schema Objects are JSON Schema 2020-12 — so `type` arrays and a
 * numeric `exclusiveMinimum` are valid there (they are not in OpenAPI 3.0).
 */

/** PUT a point: a value that holds, or `{"mode": "behaviour"}` to hand it back to its profile behaviour. */
export const PointBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    value: { type: ['number', 'boolean'], description: 'a number, or true/false for boolean points; holds until released' },
    mode: { type: 'string', enum: ['behaviour'], description: 'hand the point back to its configured behaviour (as DELETE does)' },
  },
  description: 'exactly one of value or mode',
} as const;

export const ScenarioStartSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    timeScale: { type: 'number', exclusiveMinimum: 0, maximum: 100000, description: 'scenario ms per real ms; default 1' },
    device: { type: 'string', description: 'run on this device only' },
  },
} as const;

export const FaultBodySchema = {
  type: 'object',
  required: ['kind', 'device'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: [...FAULT_KINDS] },
    device: { type: 'string' },
    point: { type: 'string', description: 'stuck, opcua-bad-status' },
    delayMs: { type: 'integer', minimum: 1, maximum: 600000, description: 'delay' },
    exceptionCode: { type: 'integer', minimum: 1, maximum: 255, description: 'exception (Modbus §7 code)' },
    statusCode: { type: 'string', pattern: '^Bad[A-Za-z]+$', description: 'opcua-bad-status; default BadSensorFailure' },
    downMs: { type: 'integer', minimum: 0, maximum: 60000, description: 'opcua-restart; default 1000' },
  },
} as const;

/** The one error body of the gateway, simulator and centre (DESIGN.md §4), from the core. */
const errorAnswer = (description: string) => ({ ...ErrorBodyShape, description });

/**
 * The error answers a route really sends: 404 for an unknown device, point,
 * scenario or fault; for a route with a body, 400 when it fails its schema or
 * the value or fault cannot apply, and (fastify) 415 for a body that is not
 * JSON and 413 for one too large.
 */
export function errorAnswers(options: { readonly notFound?: boolean; readonly body?: boolean }) {
  return {
    ...(options.body
      ? {
          400: errorAnswer('the body fails its schema, or its value or fault cannot apply'),
          413: errorAnswer('the body is larger than the server accepts'),
          415: errorAnswer('the body is not application/json'),
        }
      : {}),
    ...(options.notFound ? { 404: errorAnswer('no such device, point, scenario or fault') } : {}),
  };
}

/** A point as the point routes answer it: its value and who drives it now. */
export const PointViewSchema = {
  type: 'object',
  required: ['device', 'point', 'unit', 'value', 'mode'],
  properties: {
    device: { type: 'string' },
    point: { type: 'string' },
    unit: { type: 'string' },
    value: { type: ['number', 'boolean'] },
    mode: { type: 'string', enum: ['behaviour', 'manual', 'scenario'], description: 'who drives the point now' },
  },
  description: 'the point now',
} as const;

/** An injected fault, answered with 201 and the id that DELETE /faults/{id} takes. */
export const FaultAnswerSchema = {
  type: 'object',
  required: ['id', 'kind', 'device'],
  additionalProperties: true,
  properties: { id: { type: 'string' }, kind: { type: 'string' }, device: { type: 'string' } },
  description: 'the fault, with its id',
} as const;
