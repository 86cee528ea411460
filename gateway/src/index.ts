/** Public API of the gateway package. */
export { AcquisitionManager, type AcquisitionOptions } from './acquisition/acquisition-manager.js';
export type { CommState } from './acquisition/comm-state.js';
export type { AcquisitionHealth, DeviceCounters, DeviceHealth, LatencyHistogram } from './acquisition/device-health.js';
export type { DeviceWriter } from './acquisition/device-writer.js';
export type { Quality, Reading } from './acquisition/reading.js';
export { AlarmEngine, type AlarmTransition } from './alarms/alarm-engine.js';
export { displayedState, type Lifecycle, type LifecycleInput, NORMAL_LIFECYCLE, nextLifecycle } from './alarms/lifecycle.js';
export { type LimitInput, type LimitState, stepLimit } from './alarms/limit-condition.js';
export { DEMO_SITE, type RunningDemo, startDemo } from './cli/demo.js';
export * from './config/index.js';
export { GATEWAY_ERRORS, gatewayError } from './errors.js';
export { createLogger } from './log.js';
export { type Clock, systemClock, type TimerHandle } from './runtime/clock.js';
export { Gateway, type GatewayEndpoints, type GatewayOptions } from './runtime/gateway.js';
export { GATEWAY_VERSION } from './runtime/version.js';
