export * from './core-errors.js';
export * from './error-body.js';
export * from './lifeline-error.js';
