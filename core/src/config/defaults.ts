/** Every default of the site config, declared once (docs/configuration.md lists them). */
export const DEFAULTS = {
  /** Relative to the site config file. */
  stateDir: '.lifeline-state',
  httpHost: '127.0.0.1',
  httpPort: 8080,
  httpAnonymous: 'viewer',
  httpWriteRateLimitMax: 60,
  httpWriteRateLimitWindowMs: 60_000,
  httpHistoryPerPoint: 120,
  httpLiveMaxClients: 64,
  httpMaxBodyBytes: 65_536,
  stopDeadlineMs: 10_000,
  httpLiveMaxBufferedBytes: 1_048_576,
  mqttLocalHost: '127.0.0.1',
  mqttLocalPort: 1883,
  /** Twice twin.maxDesiredBytes (64 KiB), with room for the topic and properties. */
  mqttLocalMaxPacketBytes: 131_072,
  simHttpHost: '127.0.0.1',
  simHttpPort: 8081,
  modbusPort: 502,
  modbusUnitId: 1,
  modbusTimeoutMs: 1000,
  modbusBaudRate: 9600,
  modbusFraming: 'tcp',
  modbusParity: 'none',
  modbusDataBits: 8,
  modbusStopBits: 1,
  /** Modbus TCP transactions outstanding at once on one link (1: no pipelining). */
  modbusMaxInFlight: 1,
  opcuaSecurityMode: 'None',
  opcuaSecurityPolicy: 'None',
  pollIntervalMs: 1000,
  mqttProtocolVersion: 4,
  /** Centre link: MQTT keep-alive, and how long a QoS 1 publish waits for its PUBACK. */
  mqttKeepaliveS: 30,
  mqttAckTimeoutMs: 10_000,
  /** Local actions: further tries of a failed write, and the pause between tries. */
  actionRetries: 3,
  actionRetryDelayMs: 500,
  /** Rows of alarm audit history kept in alarms.db. */
  alarmHistoryRows: 100_000,
  /** Shelving an alarm of priority 1–2 needs a comment (alarms.shelveCommentUpTo). */
  shelveCommentUpTo: 2,
  /** Alarm analytics (schema-alarm-management.ts): ISA-18.2 flood > 10 / 10 min, ends < 5; EEMUA 191 chattering ≥ 3 / 1 min. */
  floodStart: 10,
  floodEnd: 5,
  floodWindowMs: 600_000,
  chatterRaises: 3,
  chatterWindowMs: 60_000,
  standingMs: 86_400_000,
  staleShelveMs: 86_400_000,
  badActorWindowMs: 86_400_000,
  badActors: 10,
  analyticsTickMs: 10_000,
  // Acquisition (schema-acquisition.ts, docs/acquisition.md).
  acquisitionRetries: 1,
  acquisitionBackoffBaseMs: 50,
  acquisitionBackoffMaxMs: 5000,
  breakerFailureThreshold: 2,
  breakerOpenMs: 2000,
  breakerMaxOpenMs: 30_000,
  /** Adaptive response timeouts (RFC 6298-style, docs/acquisition.md): on, never below minMs. */
  timeoutAdaptive: true,
  timeoutMinMs: 10,
  /** A serial device's time from the end of a request to the start of its answer. */
  timeoutTurnaroundMs: 5,
  modbusMergeGap: 16,
  opcuaQueueSize: 10,
  /** A sampling interval at or under this is the OPC UA fast path: publishing at the server's fastest. */
  opcuaFastPathMs: 100,
  /** Outbox disk budget: 256 MiB of payload before telemetry is evicted oldest-first. */
  outboxBudgetBytes: 268_435_456,
  /** Telemetry older than 7 days is dropped even if a sink never took it. */
  telemetryRetentionMs: 604_800_000,
  replayRatePerS: 500,
  /** Telemetry, twin records and cursors reach the disk at least this often; alarms before their commit returns. */
  outboxSyncIntervalMs: 1000,
  telemetryDeadband: 0,
  telemetryMaxSilenceMs: 60_000,
  telemetryBatchIntervalMs: 1000,
  telemetryBatchMaxReadings: 500,
  influxTimeoutMs: 10_000,
  twinCoalesceMs: 250,
  twinMaxPatchBytes: 65_536,
  twinMaxDesiredBytes: 65_536,
  twinMaxDesiredItems: 256,
  twinSnapshotQuietMs: 2000,
  twinResyncMinIntervalMs: 1000,
  twinHealthIntervalMs: 60_000,
  /** Commands and desired changes older (or further ahead) than 5 min are refused as stale. */
  twinCommandMaxAgeMs: 300_000,
  /**
   * Centre operators (the centre broker authenticated the link) may ack and shelve;
   * no local broker user may do anything, and limit changes need an explicit grant.
   */
  twinAuthorise: [{ user: '*', origin: 'centre', may: ['ack', 'shelve'] }] as const,
} as const;

/** Environment variables that override the ports, named in every port-in-use error. */
export const PORT_VARIABLES = {
  http: 'LIFELINE_HTTP_PORT',
  mqtt: 'LIFELINE_MQTT_PORT',
  sim: 'LIFELINE_SIM_PORT',
} as const;

export type PortKind = keyof typeof PORT_VARIABLES;
