/** The gateway side of the twin protocol. */
export { alarmControlOf } from './alarm-control-of.js';
export { type CommandOutcome, runCommand } from './command-decision.js';
export { type DesiredDecision, decideDesired } from './desired-decision.js';
export { GatewayTwin, type GatewayTwinOptions, type TwinLink } from './gateway-twin.js';
export * from './reported-builder.js';
export { isAuthorised } from './twin-authorisation.js';
export { linkTwinChanges, outboxTwinChanges, type TwinChanges, type TwinOutbox } from './twin-changes.js';
