import type { Server } from 'node:net';
import { checkExposure, listenOrExplain, type SiteConfig } from '@lifeline/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildControlApi } from './control/control-api.js';
import type { SimulatorControl } from './control/simulator-control.js';
import { SimEngine } from './engine/sim-engine.js';
import { type ActiveFault, FaultBook, type FaultSpec } from './faults/fault-book.js';
import { checkFault } from './faults/fault-rules.js';
import { ModbusLineServer, ModbusTcpListener } from './modbus/modbus-server.js';
import { SerialLine } from './modbus/serial-line.js';
import { SerialWire } from './modbus/serial-wire.js';
import type { OpcuaDeviceServer } from './opcua/opcua-device-server.js';
import { ScenarioLibrary } from './scenarios/scenario-library.js';
import { freePort, groupByServer, type ServedAt } from './serving.js';
import { SimulatedDevice } from './simulated-device.js';

export interface SimulatorEndpoints {
  readonly controlPort: number;
  /**
   * Devices reached over TCP (Modbus TCP, RTU over TCP, OPC UA) and where:
   * port 0 in the site config becomes the bound port here.
   */
  readonly devices: ReadonlyMap<
    string,
    { readonly host: string; readonly port: number; readonly unitId: number; readonly endpointUrl?: string }
  >;
  /** Every device with its transport, serial lines included. */
  readonly served: ReadonlyMap<string, ServedAt>;
}

export interface SimulatorOptions {
  /** Simulated seconds per real second for behaviours; default 1. */
  readonly timeScale?: number;
  /** Extra scenario folders searched before the built-in one. */
  readonly scenarioDirs?: readonly string[];
}

/**
 * Serves a whole site's devices from the same site config the gateway reads:
 * one Modbus TCP or RTU-over-TCP server per host:port (several unit ids
 * each), one pseudo-terminal line per serial port, one OPC UA server per
 * endpoint; plus the behaviour engine, scenarios, faults and the HTTP control
 * API. Devices configured on port 0 share one server on a free port.
 */
export class FirmwareSimulator implements SimulatorControl {
  readonly config: SiteConfig;
  readonly devices: ReadonlyMap<string, SimulatedDevice>;
  readonly faults = new FaultBook();
  readonly engine: SimEngine;
  readonly scenarios: ScenarioLibrary;
  readonly #log: Logger;
  readonly #tcp: ModbusTcpListener[] = [];
  readonly #serial: { line: SerialLine; server: ModbusLineServer }[] = [];
  readonly #opcua = new Map<string, OpcuaDeviceServer>();
  readonly #served = new Map<string, ServedAt>();
  readonly #restarts = new Set<Promise<void>>();
  #control: FastifyInstance | undefined;

  constructor(config: SiteConfig, log: Logger, options: SimulatorOptions = {}) {
    this.config = config;
    this.#log = log.child({ component: 'firmware-sim' });
    this.devices = new Map(config.devices.map((d) => [d.id, new SimulatedDevice(d)] as const));
    for (const device of this.devices.values()) device.freezeWith((point) => this.faults.isStuck(device.id, point));
    this.engine = new SimEngine(
      this.devices,
      this.faults,
      this.#log,
      options.timeScale === undefined ? {} : { timeScale: options.timeScale },
    );
    this.scenarios = new ScenarioLibrary(this.devices, this.engine, this.#log, options.scenarioDirs ?? []);
    this.faults.on('added', (f) => this.#onFault(f.kind, f.device, f.point, f.downMs, true));
    this.faults.on('removed', (f) => this.#onFault(f.kind, f.device, f.point, f.downMs, false));
  }

  async start(controlHost = this.config.simulator.http.host, controlPort = this.config.simulator.http.port): Promise<SimulatorEndpoints> {
    // The control API injects readings and faults and has no authentication: loopback unless opted out.
    const exposure = checkExposure({
      what: 'simulator control API',
      host: controlHost,
      authenticated: false,
      allowInsecure: this.config.simulator.http.allowInsecure,
      configKey: 'simulator.http',
    });
    if (exposure.warning) this.#log.warn(exposure.warning);
    try {
      await this.#startModbusTcp();
      await this.#startSerial();
      await this.#startOpcua();
      this.engine.start();
      const app = buildControlApi(this, this.#log);
      this.#control = app;
      await app.ready();
      const port = await listenOrExplain(app.server as Server, 'sim', 'simulator control API', controlHost, controlPort);
      this.#log.info({ port, devices: this.devices.size }, 'firmware simulator started');
      return { controlPort: port, devices: this.#tcpEndpoints(), served: this.#served };
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.scenarios.stopAll();
    this.engine.stop();
    await this.#control?.close();
    this.#control = undefined;
    await Promise.allSettled([...this.#restarts]);
    await Promise.all(this.#tcp.splice(0).map((s) => s.stop()));
    await Promise.all(
      this.#serial.splice(0).map(async ({ line, server }) => {
        server.close();
        await line.stop();
      }),
    );
    await Promise.all([...this.#opcua.values()].map((s) => s.stop()));
    this.#opcua.clear();
    this.#served.clear();
  }

  /** Where a device is served (after start), else where its site entry says. */
  servedAt(id: string): ServedAt | undefined {
    return this.#served.get(id);
  }

  /** A PUT from the control API: the value holds (behaviour off) until released or a scenario takes the point. */
  setManual(device: SimulatedDevice, point: string, value: number | boolean): boolean {
    device.point(point);
    this.engine.setMode(device.id, point, 'manual');
    return this.engine.apply(device, point, value, 'manual');
  }

  /** A DELETE (or PUT {"mode": "behaviour"}) from the control API: the point follows its profile behaviour again. */
  release(device: SimulatedDevice, point: string): boolean {
    return this.engine.release(device, point);
  }

  /** Injects a fault after checking it fits the device's transport (LL_ERR_SIM_BAD_FAULT otherwise). */
  addFault(spec: FaultSpec): ActiveFault {
    checkFault(spec, this.devices);
    const fault = this.faults.add(spec);
    this.#log.info({ fault }, `fault ${fault.id} on ${spec.device}${spec.point ? ` ${spec.point}` : ''}: ${spec.kind}`);
    return fault;
  }

  removeFault(id: string): ActiveFault {
    const fault = this.faults.remove(id);
    this.#log.info({ fault }, `fault ${fault.id} on ${fault.device} cleared: ${fault.kind}`);
    return fault;
  }

  #group(ids: readonly string[]): SimulatedDevice[] {
    return ids.map((id) => this.devices.get(id) as SimulatedDevice);
  }

  async #startModbusTcp(): Promise<void> {
    for (const { link, ids } of groupByServer(this.config.devices).tcp.values()) {
      const framing = link.framing === 'tcp' ? 'tcp' : 'rtu';
      const listener = new ModbusTcpListener(new ModbusLineServer(framing, this.#group(ids), this.faults, this.#log));
      this.#tcp.push(listener);
      const port = await listener.start(link.host, link.port);
      const kind = link.framing === 'tcp' ? 'modbus-tcp' : 'modbus-rtu-over-tcp';
      for (const d of this.#group(ids)) this.#served.set(d.id, { kind, host: link.host, port, unitId: d.unitId });
      this.#log.info({ host: link.host, port, framing: link.framing, units: ids }, `${kind} server listening on ${link.host}:${port}`);
    }
  }

  async #startSerial(): Promise<void> {
    for (const { link, ids } of groupByServer(this.config.devices).serial.values()) {
      // A serial line takes the wire time of its baud rate; a pty alone would answer a 9,600-baud request at once.
      const server = new ModbusLineServer('rtu', this.#group(ids), this.faults, this.#log, new SerialWire(link.baudRate));
      const line = new SerialLine(link, this.#log);
      this.#serial.push({ line, server });
      await line.start(server);
      for (const d of this.#group(ids))
        this.#served.set(d.id, { kind: 'modbus-rtu', serialPort: link.serialPort, baudRate: link.baudRate, unitId: d.unitId });
    }
  }

  async #startOpcua(): Promise<void> {
    const groups = groupByServer(this.config.devices).opcua;
    if (groups.size === 0) return;
    // node-opcua takes seconds to load: only sites with OPC UA devices pay for it.
    const { OpcuaDeviceServer } = await import('./opcua/opcua-device-server.js');
    for (const { url, ids } of groups.values()) {
      const server = new OpcuaDeviceServer(url.href.replace(/^http:/, 'opc.tcp:'), this.#group(ids), this.faults, this.#log);
      const wanted = Number(url.port || 4840);
      const endpointUrl = await server.start(wanted === 0 ? await freePort(url.hostname) : wanted);
      const port = Number(new URL(endpointUrl.replace(/^opc\.tcp:/, 'http:')).port);
      for (const id of ids) {
        this.#opcua.set(id, server);
        this.#served.set(id, { kind: 'opcua', host: url.hostname, port, endpointUrl });
      }
      this.#log.info({ endpointUrl, devices: ids }, `opc ua server listening at ${endpointUrl}`);
    }
  }

  #tcpEndpoints(): Map<string, { host: string; port: number; unitId: number; endpointUrl?: string }> {
    const out = new Map<string, { host: string; port: number; unitId: number; endpointUrl?: string }>();
    for (const [id, at] of this.#served) {
      if (at.kind === 'modbus-rtu') continue;
      out.set(id, at.kind === 'opcua' ? { host: at.host, port: at.port, unitId: 0, endpointUrl: at.endpointUrl } : at);
    }
    return out;
  }

  /** Faults the OPC UA servers act on when they come or go; Modbus servers ask per request. */
  #onFault(kind: string, device: string, point: string | undefined, downMs: number | undefined, added: boolean): void {
    const server = this.#opcua.get(device);
    if (!server) return;
    if (kind === 'opcua-bad-status' && point) server.refresh(device, point);
    if (kind === 'opcua-restart' && added) {
      const restart = server.restart(downMs ?? 1000).catch((e: unknown) => {
        this.#log.error({ err: (e as Error).message, device }, 'opc ua server restart failed');
      });
      this.#restarts.add(restart);
      void restart.finally(() => this.#restarts.delete(restart));
    }
  }
}
