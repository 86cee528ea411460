import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

/**
 * Request validation with two Ajv instances: bodies are JSON and are never
 * coerced (`"50"` is not 50, unknown fields are refused, not stripped);
 * query strings and path parameters are text by nature, so they are coerced
 * to the declared types and get their defaults.
 */
export function installValidation(app: FastifyInstance): void {
  const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  const lenient = new Ajv({ coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema));
}
