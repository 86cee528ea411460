import { resolve } from 'node:path';
import { ENV_CENTRE_URL, ENV_STATE_DIR } from './environment.js';
import { portFromEnv } from './ports.js';
import { tokensFromEnv } from './schema-http.js';
import { deepFreeze, type SiteConfig } from './site-config.js';

/**
 * Deployment overrides on top of the file: ports from LIFELINE_*_PORT, the
 * centre broker from LIFELINE_CENTRE_URL and the state folder from LIFELINE_STATE_DIR, so one site file serves a laptop, a
 * container and a test on free ports.
 */
export function applyEnvironment(config: SiteConfig, env: NodeJS.ProcessEnv): SiteConfig {
  const http = portFromEnv('http', env);
  const mqtt = portFromEnv('mqtt', env);
  const sim = portFromEnv('sim', env);
  const centreUrl = env[ENV_CENTRE_URL];
  const stateDir = env[ENV_STATE_DIR];
  return deepFreeze({
    ...config,
    stateDir: stateDir ? resolve(stateDir) : config.stateDir,
    http: { ...config.http, port: http ?? config.http.port, tokens: [...config.http.tokens, ...tokensFromEnv(env)] },
    mqtt: {
      ...config.mqtt,
      local: { ...config.mqtt.local, port: mqtt ?? config.mqtt.local.port },
      ...(centreUrl
        ? { centre: { ...config.mqtt.centre, url: centreUrl, protocolVersion: config.mqtt.centre?.protocolVersion ?? 4 } }
        : config.mqtt.centre
          ? { centre: config.mqtt.centre }
          : {}),
    },
    simulator: { http: { ...config.simulator.http, port: sim ?? config.simulator.http.port } },
  });
}

/** Points devices at where they are really served (the simulator binds port 0 to a free port; OPC UA by endpoint URL). */
export function withDeviceEndpoints(
  config: SiteConfig,
  endpoints: ReadonlyMap<string, { readonly host: string; readonly port: number; readonly endpointUrl?: string }>,
): SiteConfig {
  return deepFreeze({
    ...config,
    devices: config.devices.map((d) => {
      const at = endpoints.get(d.id);
      if (!at) return d;
      // An OPC UA server on port 0 reports the endpoint URL it really serves.
      if (d.transport === 'opcua') return at.endpointUrl ? { ...d, opcua: { ...d.opcua, endpointUrl: at.endpointUrl } } : d;
      if (d.modbus.framing === 'rtu') return d;
      return { ...d, modbus: { ...d.modbus, host: at.host, port: at.port } };
    }),
  });
}
