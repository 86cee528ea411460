import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCode,
  type UAVariable,
  Variant,
} from 'node-opcua';
import { freePort } from './ports.js';

/** The variables every test server exposes under Objects/HeatStation (namespace 1). */
export const HEAT_STATION_VARIABLES = {
  SupplyPressure: { dataType: DataType.Double, initial: 0.6 },
  SupplyTemp: { dataType: DataType.Double, initial: 85 },
  Pump: { dataType: DataType.Boolean, initial: false },
  Label: { dataType: DataType.String, initial: 'station A' },
} as const;

export type HeatVariable = keyof typeof HEAT_STATION_VARIABLES;

/**
 * A node-opcua server inside the test process on a free loopback port, with
 * security modes None, Sign and SignAndEncrypt (Basic256Sha256) and anonymous
 * access. `generation` shifts every numeric node id, so a restarted server
 * keeps its browse paths but not its node ids, as a re-deployed PLC may.
 */
export class OpcuaTestServer {
  readonly port: number;
  readonly endpointUrl: string;
  readonly #server: OPCUAServer;
  readonly #pkiDir: string;
  readonly variables = new Map<HeatVariable, UAVariable>();

  private constructor(port: number, server: OPCUAServer, pkiDir: string) {
    this.port = port;
    this.endpointUrl = `opc.tcp://127.0.0.1:${port}/UA/Lifeline`;
    this.#server = server;
    this.#pkiDir = pkiDir;
  }

  static async start(options: { port?: number; generation?: number; pkiDir?: string } = {}): Promise<OpcuaTestServer> {
    const port = options.port ?? (await freePort());
    const pkiDir = options.pkiDir ?? (await mkdtemp(join(tmpdir(), 'lifeline-opcua-server-')));
    const server = new OPCUAServer({
      port,
      hostname: '127.0.0.1',
      alternateHostname: ['127.0.0.1'],
      resourcePath: '/UA/Lifeline',
      allowAnonymous: true,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      serverCertificateManager: new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true }),
      buildInfo: { productName: 'lifeline-test-server', buildNumber: '1' },
    });
    await server.initialize();
    const test = new OpcuaTestServer(port, server, pkiDir);
    test.#populate(1000 * (options.generation ?? 1));
    await server.start();
    return test;
  }

  get pkiDir(): string {
    return this.#pkiDir;
  }

  nodeIdOf(name: HeatVariable): string {
    return (this.variables.get(name) as UAVariable).nodeId.toString();
  }

  /** Sets a value as the device would, with a source timestamp and status (default Good). */
  set(name: HeatVariable, value: number | boolean | string, status: StatusCode | number = 0): void {
    const v = this.variables.get(name) as UAVariable;
    const dataType = HEAT_STATION_VARIABLES[name].dataType;
    v.setValueFromSource(
      new Variant({ dataType, value }),
      typeof status === 'number' ? StatusCode.makeStatusCode(status as never, '') : status,
      new Date(),
    );
  }

  get(name: HeatVariable): unknown {
    return (this.variables.get(name) as UAVariable).readValue().value.value;
  }

  /** Stops the server; the PKI folder is kept for a restart unless `removePki`. */
  async stop(removePki = false): Promise<void> {
    await this.#server.shutdown(0);
    if (removePki) await rm(this.#pkiDir, { recursive: true, force: true });
  }

  #populate(base: number): void {
    const addressSpace = this.#server.engine.addressSpace;
    if (!addressSpace) throw new Error('address space not ready');
    const ns = addressSpace.getOwnNamespace();
    const station = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'HeatStation', nodeId: `i=${base}` });
    let offset = 1;
    for (const [name, spec] of Object.entries(HEAT_STATION_VARIABLES) as [HeatVariable, (typeof HEAT_STATION_VARIABLES)[HeatVariable]][]) {
      const variable = ns.addVariable({
        componentOf: station,
        browseName: name,
        nodeId: `i=${base + offset++}`,
        dataType: DataType[spec.dataType] as string,
        accessLevel: 'CurrentRead | CurrentWrite',
        userAccessLevel: 'CurrentRead | CurrentWrite',
      });
      variable.setValueFromSource(new Variant({ dataType: spec.dataType, value: spec.initial }));
      this.variables.set(name, variable);
    }
  }
}
