import { pino } from 'pino';
import { applyEnvironment, loadSiteConfig, type SiteConfig, withDeviceEndpoints } from '../../core/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/index.js';
import { Gateway } from '../../gateway/src/index.js';
import { tempStateDir } from './state-dir.js';

export interface HostileSite {
  readonly gateway: Gateway;
  readonly simulator: FirmwareSimulator;
  readonly urls: { readonly dashboard: string; readonly mqtt: string; readonly simulator: string };
  stop(): Promise<void>;
}

/**
 * startSite (site-harness.ts) with some devices served elsewhere: the
 * simulator serves every device but those in `external`, and the gateway
 * polls those at the given address (a raw-socket responder sending hostile
 * frames), the rest at the simulator. Fresh state, every port free.
 */
export async function startHostileSite(
  file: string,
  external: ReadonlyMap<string, { readonly host: string; readonly port: number }>,
  adapt: (site: SiteConfig) => SiteConfig = (s) => s,
): Promise<HostileSite> {
  const env = { LIFELINE_STATE_DIR: tempStateDir(), LIFELINE_HTTP_PORT: '0', LIFELINE_MQTT_PORT: '0', LIFELINE_SIM_PORT: '0' };
  const site = adapt(applyEnvironment(await loadSiteConfig(file), env));
  const log = pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' });
  const simulator = new FirmwareSimulator({ ...site, devices: site.devices.filter((d) => !external.has(d.id)) }, log);
  const sim = await simulator.start();
  const gateway = new Gateway(withDeviceEndpoints(site, new Map([...sim.devices, ...external])), { log });
  let endpoints: Awaited<ReturnType<Gateway['start']>>;
  try {
    endpoints = await gateway.start();
  } catch (e) {
    await simulator.stop();
    throw e;
  }
  return {
    gateway,
    simulator,
    urls: {
      dashboard: `http://127.0.0.1:${endpoints.httpPort}/`,
      mqtt: `mqtt://127.0.0.1:${endpoints.mqttPort}`,
      simulator: `http://127.0.0.1:${sim.controlPort}`,
    },
    async stop() {
      await gateway.stop();
      await simulator.stop();
    },
  };
}
