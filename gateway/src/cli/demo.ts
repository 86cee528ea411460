import { fileURLToPath } from 'node:url';
import { applyEnvironment, loadSiteConfig, type SiteConfig, withDeviceEndpoints } from '@lifeline/core';
import type { Logger } from 'pino';
import { Gateway } from '../runtime/gateway.js';

export const DEMO_SITE = fileURLToPath(new URL('../../../examples/demo/site.yaml', import.meta.url));

/** What the demo needs of the simulator package, which depends on us and so cannot be imported statically. */
interface SimulatorModule {
  FirmwareSimulator: new (
    config: SiteConfig,
    log: Logger,
  ) => {
    start(host?: string, port?: number): Promise<{ controlPort: number; devices: ReadonlyMap<string, { host: string; port: number }> }>;
    stop(): Promise<void>;
  };
}

export interface RunningDemo {
  readonly gateway: Gateway;
  readonly simulator: { stop(): Promise<void> };
  readonly urls: { dashboard: string; mqtt: string | undefined; simulator: string; centre: string | undefined };
  readonly site: SiteConfig;
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
  const site = adapt(applyEnvironment(await loadSiteConfig(file), env));
  const specifier = '@lifeline/firmware-sim';
  const { FirmwareSimulator } = (await import(specifier)) as SimulatorModule;
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
    urls: {
      dashboard: `http://${displayHost(site.http.host)}:${endpoints.httpPort}/`,
      mqtt: endpoints.mqttPort === undefined ? undefined : `mqtt://${displayHost(site.mqtt.local.host)}:${endpoints.mqttPort}`,
      simulator: `http://${displayHost(site.simulator.http.host)}:${sim.controlPort}`,
      centre: site.mqtt.centre?.url,
    },
    async stop() {
      await gateway.stop();
      await simulator.stop();
    },
  };
}

/** A wildcard bind is reachable as localhost; a specific one only at its own address. */
export function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

export function demoBanner(demo: RunningDemo): string {
  const { urls, site } = demo;
  const device = site.devices[0];
  const point = device?.points.find((p) => p.limits.length > 0);
  const mqtt = urls.mqtt ? new URL(urls.mqtt) : undefined;
  const lines = [
    `lifeline demo: site ${site.site}, gateway ${site.gateway}`,
    `  dashboard       ${urls.dashboard}`,
    `  local MQTT      ${urls.mqtt ?? '(disabled)'}   topics lifeline/v1/${site.site}/${site.gateway}/#`,
    `  simulator API   ${urls.simulator}/devices`,
    ...(urls.centre ? [`  centre broker   ${urls.centre}`] : []),
    '',
    ...(mqtt ? [`  watch alarms:   mosquitto_sub -h ${mqtt.hostname} -p ${mqtt.port} -t 'lifeline/v1/#' -v`] : []),
  ];
  if (device && point) {
    const limit = point.limits[0];
    lines.push(
      `  raise an alarm: curl -X PUT -H 'content-type: application/json' -d '{"value": ${(limit?.value ?? 0) + 10}}' ${urls.simulator}/devices/${device.id}/points/${point.id}`,
      `  clear it:       curl -X PUT -H 'content-type: application/json' -d '{"value": 0}' ${urls.simulator}/devices/${device.id}/points/${point.id}`,
    );
  }
  lines.push('', '  Ctrl-C stops everything.');
  return lines.join('\n');
}
