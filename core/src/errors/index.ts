export * from './core-errors.js';
export * from './lifeline-error.js';
