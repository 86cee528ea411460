/** Every default of the site config, declared once (docs/configuration.md lists them). */
export const DEFAULTS = {
  /** Relative to the site config file. */
  stateDir: '.lifeline-state',
  httpHost: '0.0.0.0',
  httpPort: 8080,
  httpAnonymous: 'viewer',
  httpWriteRateLimitMax: 60,
  httpWriteRateLimitWindowMs: 60_000,
  httpHistoryPerPoint: 3600,
  mqttLocalHost: '0.0.0.0',
  mqttLocalPort: 1883,
  simHttpHost: '0.0.0.0',
  simHttpPort: 8081,
  modbusPort: 502,
  modbusUnitId: 1,
  modbusTimeoutMs: 1000,
  modbusBaudRate: 9600,
  opcuaSecurityMode: 'None',
  opcuaSecurityPolicy: 'None',
  pollIntervalMs: 1000,
  mqttProtocolVersion: 4,
} as const;

/** Environment variables that override the ports, named in every port-in-use error. */
export const PORT_VARIABLES = {
  http: 'LIFELINE_HTTP_PORT',
  mqtt: 'LIFELINE_MQTT_PORT',
  sim: 'LIFELINE_SIM_PORT',
} as const;

export type PortKind = keyof typeof PORT_VARIABLES;
