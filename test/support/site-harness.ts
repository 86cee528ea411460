import { pino } from 'pino';
import type { SiteConfig } from '../../core/src/index.js';
import { type RunningDemo, startDemo } from '../../demo/src/demo.js';
import { tempStateDir } from './state-dir.js';

/**
 * A whole site in-process on free loopback ports: the firmware simulator
 * serving the fixture's devices over Modbus TCP, and the gateway polling it,
 * with its embedded broker, HTTP API and (optionally) a centre broker.
 * `adapt` changes the loaded site first (e.g. test/fixtures/sim/rebind.ts);
 * `env` adds environment overrides (tokens, …).
 */
export interface SiteOptions {
  readonly centreUrl?: string;
  readonly stateDir?: string;
  readonly adapt?: (site: SiteConfig) => SiteConfig;
  readonly env?: Readonly<Record<string, string>>;
}

export async function startSite(file: string, options: SiteOptions = {}): Promise<RunningDemo> {
  const env = {
    // Each site gets fresh state (alarms, outbox): nothing replays from an earlier test.
    LIFELINE_STATE_DIR: options.stateDir ?? tempStateDir(),
    LIFELINE_HTTP_PORT: '0',
    LIFELINE_MQTT_PORT: '0',
    LIFELINE_SIM_PORT: '0',
    ...(options.centreUrl ? { LIFELINE_CENTRE_URL: options.centreUrl } : {}),
    ...options.env,
  };
  return startDemo(file, env, pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' }), options.adapt);
}

/** Sets a point through the simulator's control API, as a test bench would. */
export async function setPoint(simulatorUrl: string, device: string, point: string, value: number | boolean): Promise<void> {
  const res = await fetch(`${simulatorUrl}/devices/${device}/points/${point}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value }),
  });
  if (!res.ok) throw new Error(`PUT ${device}/${point} = ${value}: HTTP ${res.status} ${await res.text()}`);
}
