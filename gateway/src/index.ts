/** Public API of the gateway package. */
export type { CommState } from './acquisition/modbus-poller.js';
export type { Quality, Reading } from './acquisition/reading.js';
export { AlarmEngine, type AlarmTransition } from './alarms/alarm-engine.js';
export { type LifecycleInput, nextLifecycle } from './alarms/lifecycle.js';
export { type LimitInput, type LimitState, stepLimit } from './alarms/limit-condition.js';
export { DEMO_SITE, type RunningDemo, startDemo } from './cli/demo.js';
export * from './config/index.js';
export { GATEWAY_ERRORS, gatewayError } from './errors.js';
export { createLogger } from './log.js';
export { type Clock, systemClock, type TimerHandle } from './runtime/clock.js';
export { Gateway, type GatewayEndpoints, type GatewayOptions } from './runtime/gateway.js';
export { GATEWAY_VERSION } from './runtime/version.js';
