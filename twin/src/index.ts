export * from './alarm-event.js';
export * from './priority.js';
export * from './status.js';
export * from './telemetry.js';
export * from './topics.js';
