import { ENV_LOG_LEVEL } from '@lifeline/core';
import { type Logger, pino } from 'pino';

/** Structured logs to stderr, so stdout stays free for what the CLI prints. */
export function createLogger(level = process.env[ENV_LOG_LEVEL] ?? 'info'): Logger {
  return pino({ level, base: { app: 'lifeline-gateway' } }, pino.destination(2));
}
