/**
 * Public API of the shared core: what the gateway, the simulator, the twin and
 * the Node-RED nodes all need (docs/architecture.md) — readings and quality,
 * time, backoff, the one error shape, the site and profile loader with the
 * register codec, CLI output, and the alarm state machines.
 */
export * from './alarms/alarm-vocabulary.js';
export * from './alarms/lifecycle.js';
export * from './alarms/limit-condition.js';
export * from './cli/output.js';
export * from './config/index.js';
export * from './errors/index.js';
export * from './iso-memo.js';
export * from './point-map.js';
export * from './reading.js';
export * from './time/backoff.js';
export * from './time/clock.js';
