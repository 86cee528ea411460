/** The gateway side of the twin protocol. */
export { alarmControlOf } from './alarm-control-of.js';
export { type CommandOutcome, runCommand } from './command-decision.js';
export { type DesiredDecision, decideDesired } from './desired-decision.js';
export { GatewayTwin, type GatewayTwinOptions } from './gateway-twin.js';
export * from './reported-builder.js';
export { RequestGuard } from './request-guard.js';
export { isAuthorised, type Principal } from './twin-authorisation.js';
export { linkTwinChanges, outboxTwinChanges, type TwinChanges, type TwinOutbox } from './twin-changes.js';
export { type InboundMeta, originOf, type TwinLink } from './twin-link.js';
