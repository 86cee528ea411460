/** The centre: `lifeline-centre run --broker URL [--db postgres://…]`. */

export { CENTRE_ENV, CENTRE_ENVIRONMENT } from './centre-environment.js';
export { CENTRE_ERRORS, CentreError, type CentreErrorCode } from './centre-errors.js';
export { buildCentreHttp, type CentreHttpOptions } from './http-api.js';
export { MirrorService, type MirrorServiceOptions } from './mirror-service.js';
export { MirrorWorker, type MirrorWorkerOptions, type WorkerEvent } from './mirror-worker.js';
export { type Operators, operatorOf, parseOperators } from './operators.js';
export { type CentreOptions, DEFAULT_SHARE_GROUP, type RunningCentre, startCentre } from './run-centre.js';
export type {
  ActiveAlarm,
  CentreRequest,
  CentreStore,
  GatewaySummary,
  JournalQuery,
  JournalRow,
  RequestRow,
  StatusRow,
  StoreChange,
  StoreWrite,
  TwinView,
  WriteOutcome,
} from './store/centre-store.js';
export { journalCsv } from './store/journal-query.js';
export { MemoryCentreStore } from './store/memory-store.js';
export { MIGRATIONS } from './store/pg-migrations.js';
export { CHANGES_CHANNEL, PgCentreStore, type PgStoreOptions } from './store/pg-store.js';
export { DATA_SUFFIXES, dataFilters, MIRROR_FILTERS, RESULT_FILTERS } from './subscriptions.js';
export { WriteBatcher, type WriteBatcherOptions } from './write-batcher.js';
