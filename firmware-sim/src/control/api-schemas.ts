import { FAULT_KINDS } from '../faults/fault-book.js';

/** JSON Schemas of the control API bodies; fastify validates them (no coercion) and @fastify/swagger publishes them. */

export const ValueBodySchema = {
  type: 'object',
  required: ['value'],
  additionalProperties: false,
  properties: { value: { type: ['number', 'boolean'], description: 'a number, or true/false for boolean points' } },
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
