import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpcuaLink, PointConfig } from '@lifeline/core';
import {
  type AddressSpace,
  type DataValue,
  type INamespace,
  MessageSecurityMode,
  MonitoredItem,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  type StatusCode,
  StatusCodes,
  Subscription,
  type UAObject,
  type UAVariable,
  Variant,
} from 'node-opcua';
import type { Logger } from 'pino';
import { simError } from '../errors.js';
import type { FaultBook } from '../faults/fault-book.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { namespaceOf, opcuaDataType, parseBrowsePath, toDataType, toVariantValue } from './opcua-variables.js';

/**
 * A PLC's OPC UA server serves its variables exception-based (MinimumSamplingInterval
 * 0, OPC 10000-3 §5.6.2: changes are reported as they happen) and accepts
 * publishing intervals down to a few milliseconds. node-opcua's own floors (50 ms
 * publishing, 50 ms sampling) would otherwise make every fast subscription
 * measure the simulator instead of the gateway. Process-wide statics of the
 * server classes: the simulator is the only OPC UA server in its process.
 */
const MIN_PUBLISHING_INTERVAL_MS = 5;
const MIN_SAMPLING_INTERVAL_MS = 1;
Subscription.minimumPublishingInterval = MIN_PUBLISHING_INTERVAL_MS;
MonitoredItem.minimumSamplingInterval = MIN_SAMPLING_INTERVAL_MS;

// One certificate store for every simulated server: created once, reused on restart.
const PKI_DIR = join(tmpdir(), 'lifeline-firmware-sim-pki');

interface Served {
  readonly device: SimulatedDevice;
  readonly point: PointConfig;
  readonly variable: UAVariable;
}

/**
 * One node-opcua server on one endpoint, exposing its devices' points as
 * variables at the profile's node ids and browse paths, with the point's
 * data type, a status code (Good, or a Bad one a fault asks for) and the
 * source timestamp of the last change. Clients may write writable points.
 */
export class OpcuaDeviceServer {
  readonly url: URL;
  readonly #devices: readonly SimulatedDevice[];
  readonly #faults: FaultBook;
  readonly #log: Logger;
  readonly #served = new Map<string, Served>();
  readonly #unsubscribe: (() => void)[] = [];
  #server: OPCUAServer | undefined;
  #port = 0;

  constructor(url: string, devices: readonly SimulatedDevice[], faults: FaultBook, log: Logger) {
    this.url = new URL(url.replace(/^opc\.tcp:/, 'http:'));
    this.#devices = devices;
    this.#faults = faults;
    this.#log = log;
  }

  /** The endpoint clients use, with the bound port. */
  get endpointUrl(): string {
    return `opc.tcp://${this.url.hostname}:${this.#port}${this.url.pathname === '/' ? '' : this.url.pathname}`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  async start(port: number): Promise<string> {
    this.#port = port;
    const first = this.#devices[0]?.config;
    const link: OpcuaLink | undefined = first?.transport === 'opcua' ? first.opcua : undefined;
    const certificates = new OPCUACertificateManager({ rootFolder: PKI_DIR, automaticallyAcceptUnknownCertificate: true });
    const server = new OPCUAServer({
      port,
      host: this.url.hostname,
      hostname: this.url.hostname,
      resourcePath: this.url.pathname === '/' ? '' : this.url.pathname,
      serverCertificateManager: certificates,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      allowAnonymous: link?.username === undefined,
      ...(link?.username !== undefined
        ? { userManager: { isValidUser: (user: string, password: string) => user === link.username && password === link.password } }
        : {}),
      buildInfo: { productName: 'lifeline firmware-sim', manufacturerName: 'lifeline' },
    });
    await server.initialize();
    this.#build(server.engine.addressSpace as AddressSpace);
    await server.start();
    this.#server = server;
    return this.endpointUrl;
  }

  async stop(): Promise<void> {
    for (const off of this.#unsubscribe.splice(0)) off();
    const server = this.#server;
    this.#server = undefined;
    this.#served.clear();
    if (server) await server.shutdown(0);
  }

  /** Stops and starts again on the same port after `downMs`, as a PLC reboot does; sessions and subscriptions are lost. */
  async restart(downMs: number): Promise<void> {
    const port = this.#port;
    this.#log.info({ endpoint: this.endpointUrl, downMs }, `opc ua server ${this.endpointUrl} restarting`);
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start(port);
    this.#log.info({ endpoint: this.endpointUrl }, `opc ua server ${this.endpointUrl} back`);
  }

  /** Re-publishes a point's value and status (after a change or a status fault). */
  refresh(device: string, point: string): void {
    const served = this.#served.get(`${device}\u0000${point}`);
    if (served) this.#publish(served);
  }

  #build(addressSpace: AddressSpace): void {
    const folders = new Map<string, UAObject>();
    for (const device of this.#devices) {
      for (const point of device.points) {
        if (!point.opcua) continue;
        const variable = this.#addVariable(addressSpace, folders, device, point);
        const served = { device, point, variable };
        this.#served.set(`${device.id}\u0000${point.id}`, served);
        this.#publish(served);
        if (point.writable) {
          variable.on('value_changed', (dv: DataValue) => this.#clientWrote(served, dv));
        }
      }
      this.#unsubscribe.push(device.onChange((point) => this.refresh(device.id, point.id)));
    }
  }

  #addVariable(addressSpace: AddressSpace, folders: Map<string, UAObject>, device: SimulatedDevice, point: PointConfig): UAVariable {
    const address = point.opcua ?? {};
    const segments = parseBrowsePath(address.browsePath ?? `/${namespaceOf(address.nodeId ?? '')}:${device.id}/${point.id}`);
    const leaf = segments.at(-1) ?? { ns: 1, name: point.id };
    let parent: UAObject = addressSpace.rootFolder.objects;
    let path = '';
    for (const seg of segments.slice(0, -1)) {
      path += `/${seg.ns}:${seg.name}`;
      let folder = folders.get(path);
      if (!folder) {
        folder = namespace(addressSpace, seg.ns).addFolder(parent, { browseName: seg.name });
        folders.set(path, folder);
      }
      parent = folder;
    }
    const ns = namespace(addressSpace, address.nodeId ? namespaceOf(address.nodeId) : leaf.ns);
    if (address.nodeId && addressSpace.findNode(address.nodeId)) {
      throw simError('LL_ERR_SIM_OPCUA_NODE', address.nodeId, this.endpointUrl);
    }
    const dataType = opcuaDataType(point);
    return ns.addVariable({
      componentOf: parent,
      browseName: { namespaceIndex: leaf.ns, name: leaf.name },
      ...(address.nodeId ? { nodeId: address.nodeId } : {}),
      description: point.name,
      dataType: toDataType(dataType),
      accessLevel: point.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      userAccessLevel: point.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      minimumSamplingInterval: 0,
    });
  }

  #publish({ device, point, variable }: Served): void {
    const dataType = opcuaDataType(point);
    const bad = this.#faults.badStatus(device.id, point.id);
    const status = bad ? ((StatusCodes as unknown as Record<string, StatusCode>)[bad] ?? StatusCodes.BadSensorFailure) : StatusCodes.Good;
    variable.setValueFromSource(
      new Variant({ dataType: toDataType(dataType), value: toVariantValue(dataType, device.getValue(point.id)) }),
      status,
      new Date(),
    );
  }

  #clientWrote(served: Served, dv: DataValue): void {
    const value = dv.value.value as unknown;
    if (typeof value !== 'number' && typeof value !== 'boolean') return;
    const current = served.device.getValue(served.point.id);
    if (value === current || (typeof current === 'number' && typeof value === 'number' && Math.abs(current - value) < 1e-9)) return;
    served.device.setValue(served.point.id, value, 'opcua write');
  }
}

function namespace(addressSpace: AddressSpace, index: number): INamespace {
  // Namespaces 0 (OPC UA) and 1 (the server's own) exist; profiles' ns=2… are registered in order.
  while (addressSpace.getNamespaceArray().length <= index) {
    addressSpace.registerNamespace(`urn:lifeline:firmware-sim:ns${addressSpace.getNamespaceArray().length}`);
  }
  return addressSpace.getNamespace(index);
}
