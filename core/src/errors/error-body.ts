import type { LifelineError } from './lifeline-error.js';

/**
 * The one HTTP error body of the gateway, the simulator and the centre
 * (DESIGN.md §4): the status, the coded error with its hint, and per-error
 * details (the offending field, every reason). Also in their OpenAPI documents.
 */
export const ErrorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'LL_ERR_… (docs/errors.md)' },
    message: { type: 'string' },
    hint: { type: 'string' },
    field: { type: 'string', description: 'for 400: the offending field, as a JSON pointer without the leading slash' },
    reason: { type: 'string', description: 'for 400 and 409: why it was refused' },
    reasons: { type: 'array', items: { type: 'string' }, description: 'for a refused change: every reason' },
    engineCode: { type: 'string', description: "for 409: the alarm engine's own code" },
  },
  required: ['statusCode', 'code', 'message', 'hint'],
} as const;

export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  readonly [detail: string]: unknown;
}

/** The body for a coded error: its own HTTP status unless the caller knows better, 500 if it has none. */
export function errorBody(e: LifelineError, statusCode = e.httpStatus ?? 500, details: Readonly<Record<string, unknown>> = {}): ErrorBody {
  return { statusCode, code: e.code, message: e.message, hint: e.hint, ...details };
}
