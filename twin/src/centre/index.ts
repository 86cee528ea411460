/** The centre-side twin mirror: `lifeline-centre run --broker URL`. */

export { CENTRE_ENV, CENTRE_ENVIRONMENT } from './centre-environment.js';
export { CENTRE_ERRORS, CentreError, type CentreErrorCode } from './centre-errors.js';
export { buildCentreHttp, type CentreHttpOptions } from './http-api.js';
export { MIRROR_FILTERS, MirrorService, type MirrorServiceOptions } from './mirror-service.js';
export { type Partition, parsePartition, partitionOf } from './partition.js';
export { type RunningCentre, startCentre } from './run-centre.js';
export { type ActiveAlarm, type GatewaySummary, type MirrorEvent, type MirrorOptions, TwinMirror } from './twin-mirror.js';
