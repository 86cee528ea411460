import type { Server } from 'node:net';
import { listenOrExplain, type ModbusTcpLink, type SiteConfig } from '@lifeline/gateway/config';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildControlApi, type DeviceEndpoint } from './control/control-api.js';
import { ModbusTcpServer } from './modbus/modbus-tcp-server.js';
import { SimulatedDevice } from './simulated-device.js';

export interface SimulatorEndpoints {
  readonly controlPort: number;
  /** Where each device is served; port 0 in the site config becomes the bound port here. */
  readonly devices: ReadonlyMap<string, DeviceEndpoint>;
}

/**
 * Serves a whole site's devices from the same site config the gateway reads:
 * one Modbus TCP server per host:port (several unit ids each) and the HTTP
 * control API. Devices configured on port 0 share one server on a free port.
 */
export class FirmwareSimulator {
  readonly config: SiteConfig;
  readonly devices: ReadonlyMap<string, SimulatedDevice>;
  readonly #log: Logger;
  readonly #servers: ModbusTcpServer[] = [];
  readonly #endpoints = new Map<string, DeviceEndpoint>();
  #control: FastifyInstance | undefined;

  constructor(config: SiteConfig, log: Logger) {
    this.config = config;
    this.#log = log.child({ component: 'firmware-sim' });
    this.devices = new Map(config.devices.flatMap((d) => (d.transport === 'modbus' ? [[d.id, new SimulatedDevice(d)] as const] : [])));
  }

  async start(controlHost = this.config.simulator.http.host, controlPort = this.config.simulator.http.port): Promise<SimulatorEndpoints> {
    try {
      await this.#startModbus();
      const app = buildControlApi(this.devices, (d) => this.#endpointOf(d.id), this.#log);
      this.#control = app;
      await app.ready();
      const port = await listenOrExplain(app.server as Server, 'sim', 'simulator control API', controlHost, controlPort);
      this.#log.info({ port, devices: this.devices.size }, 'firmware simulator started');
      return { controlPort: port, devices: this.#endpoints };
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.#control?.close();
    this.#control = undefined;
    await Promise.all(this.#servers.splice(0).map((s) => s.stop()));
    this.#endpoints.clear();
  }

  async #startModbus(): Promise<void> {
    const groups = new Map<string, SimulatedDevice[]>();
    for (const device of this.devices.values()) {
      const link = device.config.modbus;
      if (link.framing === 'rtu') continue;
      const key = `${link.host}:${link.port}`;
      groups.set(key, [...(groups.get(key) ?? []), device]);
    }
    for (const group of groups.values()) {
      const first = (group[0] as SimulatedDevice).config.modbus as ModbusTcpLink;
      const server = new ModbusTcpServer(group, this.#log);
      this.#servers.push(server);
      const port = await server.start(first.host, first.port);
      for (const d of group) this.#endpoints.set(d.id, { host: first.host, port, unitId: d.config.modbus.unitId });
      this.#log.info({ host: first.host, port, units: group.map((d) => d.config.modbus.unitId) }, 'modbus tcp server listening');
    }
  }

  #endpointOf(id: string): DeviceEndpoint {
    const endpoint = this.#endpoints.get(id);
    if (!endpoint) throw new Error(`device ${id} is not being served`);
    return endpoint;
  }
}
