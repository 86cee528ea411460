/** Public API of the gateway package. */
export { AcquisitionManager, type AcquisitionOptions } from './acquisition/acquisition-manager.js';
export type { CommState } from './acquisition/comm-state.js';
export type { AcquisitionHealth, DeviceCounters, DeviceHealth, LatencyHistogram } from './acquisition/device-health.js';
export type { DeviceWriter } from './acquisition/device-writer.js';
export { AlarmEngine, type AlarmTransition } from './alarms/alarm-engine.js';
export { type CliCommand, gatewayCli } from './cli/gateway-cli.js';
export { GATEWAY_ERRORS, gatewayError } from './errors.js';
export { createLogger } from './log.js';
export { Gateway, type GatewayEndpoints, type GatewayOptions } from './runtime/gateway.js';
export { GATEWAY_VERSION } from './version.js';
