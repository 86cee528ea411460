import { fileURLToPath } from 'node:url';
import { applyEnvironment, displayHost, loadSiteConfig, type SiteConfig, withDeviceEndpoints } from '@lifeline/core';
import { FirmwareSimulator } from '@lifeline/firmware-sim';
import { Gateway } from '@lifeline/gateway';
import type { Logger } from 'pino';
import { demoState } from './demo-state.js';
import { withDemoToken } from './demo-token.js';

export const DEMO_SITE = fileURLToPath(new URL('../../examples/demo/site.yaml', import.meta.url));

export interface RunningDemo {
  readonly gateway: Gateway;
  readonly simulator: FirmwareSimulator;
  readonly urls: { dashboard: string; mqtt: string | undefined; simulator: string; centre: string | undefined };
  readonly site: SiteConfig;
  /** The operator token the demo made for this run, when the site and environment configure none. */
  readonly operatorToken: string | undefined;
  /** Where durable state lives; a temporary folder is removed by stop(). */
  readonly state: { readonly dir: string; readonly temporary: boolean };
  stop(): Promise<void>;
}

/**
 * Simulator + gateway + embedded broker + dashboard in one process. `adapt`
 * changes the loaded site before anything starts (tests move an example's
 * fixed ports and serial lines somewhere free).
 */
export async function startDemo(
  file: string,
  env: NodeJS.ProcessEnv,
  log: Logger,
  adapt: (site: SiteConfig) => SiteConfig = (site) => site,
): Promise<RunningDemo> {
  const state = demoState(env);
  try {
    return await startIn(file, state.env, log, adapt, state);
  } catch (e) {
    state.remove();
    throw e;
  }
}

async function startIn(
  file: string,
  env: NodeJS.ProcessEnv,
  log: Logger,
  adapt: (site: SiteConfig) => SiteConfig,
  state: ReturnType<typeof demoState>,
): Promise<RunningDemo> {
  const { site, token } = withDemoToken(adapt(applyEnvironment(await loadSiteConfig(file), env)));
  const simulator = new FirmwareSimulator(site, log);
  const sim = await simulator.start();
  const gateway = new Gateway(withDeviceEndpoints(site, sim.devices), { log });
  let endpoints: Awaited<ReturnType<Gateway['start']>>;
  try {
    endpoints = await gateway.start();
  } catch (e) {
    await simulator.stop();
    throw e;
  }
  return {
    site,
    gateway,
    simulator,
    operatorToken: token,
    state: { dir: site.stateDir, temporary: state.temporary },
    urls: {
      dashboard: `${site.http.tls ? 'https' : 'http'}://${displayHost(site.http.host)}:${endpoints.httpPort}/`,
      mqtt:
        endpoints.mqttPort === undefined
          ? undefined
          : `${site.mqtt.local.tls ? 'mqtts' : 'mqtt'}://${displayHost(site.mqtt.local.host)}:${endpoints.mqttPort}`,
      simulator: `http://${displayHost(site.simulator.http.host)}:${sim.controlPort}`,
      centre: site.mqtt.centre?.url,
    },
    async stop() {
      try {
        await gateway.stop();
        await simulator.stop();
      } finally {
        // Only after the store is closed: SQLite's WAL files live in the folder.
        state.remove();
      }
    },
  };
}
