import { type AddressInfo, createServer, type Server } from 'node:net';
import type { RegisterTable } from '@lifeline/gateway/config';
import type { IServiceVector, ServerTCP } from 'modbus-serial';
import type { Logger } from 'pino';
import { ModbusException, type SimulatedDevice } from '../simulated-device.js';
import { createServerTcp } from './modbus-serial.js';

// Modbus Application Protocol V1.1b3 §7: a gateway whose target unit does not answer.
const GATEWAY_TARGET_FAILED = 0x0b;

type Callback<T> = (err: { modbusErrorCode: number; msg?: string } | null, value?: T) => void;

/**
 * One Modbus TCP server (modbus-serial) on one host:port, serving several
 * simulated devices by unit id, as a serial gateway or multi-unit device does.
 */
export class ModbusTcpServer {
  readonly #units = new Map<number, SimulatedDevice>();
  readonly #log: Logger;
  #server: ServerTCP | undefined;

  constructor(devices: readonly SimulatedDevice[], log: Logger) {
    for (const d of devices) this.#units.set(d.config.modbus.unitId, d);
    this.#log = log;
  }

  async start(host: string, port: number): Promise<number> {
    // modbus-serial treats port 0 as "use 502", so a free port is found first.
    const server = createServerTcp(this.#vector(), { host, port: port === 0 ? await freePort(host) : port });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('initialized', () => resolve());
      server.once('serverError', (e: Error) => reject(e));
    });
    server.on('socketError', (e: Error | null) => this.#log.debug({ err: e?.message }, 'modbus socket error'));
    return (rawServer(server).address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const sock of server.socks.keys()) sock.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #vector(): IServiceVector {
    const read =
      (table: RegisterTable) =>
      (address: number, length: number, unitId: number, cb: Callback<number[]>): void => {
        this.#answer(unitId, cb, (device) => device.read(table, address, length));
      };
    const readOne =
      (table: RegisterTable) =>
      (address: number, unitId: number, cb: Callback<number>): void => {
        this.#answer(unitId, cb, (device) => device.read(table, address, 1)[0] ?? 0);
      };
    const readBit =
      (table: RegisterTable) =>
      (address: number, unitId: number, cb: Callback<boolean>): void => {
        this.#answer(unitId, cb, (device) => device.read(table, address, 1)[0] === 1);
      };
    return {
      getMultipleHoldingRegisters: read('holding'),
      getMultipleInputRegisters: read('input'),
      getHoldingRegister: readOne('holding'),
      getInputRegister: readOne('input'),
      getCoil: readBit('coil'),
      getDiscreteInput: readBit('discrete'),
      setRegister: (address: number, value: number, unitId: number, cb: Callback<void>) =>
        this.#answer(unitId, cb, (device) => device.write('holding', address, value)),
      setCoil: (address: number, value: boolean, unitId: number, cb: Callback<void>) =>
        this.#answer(unitId, cb, (device) => device.write('coil', address, value ? 1 : 0)),
    } as IServiceVector;
  }

  #answer<T>(unitId: number, cb: Callback<T>, act: (device: SimulatedDevice) => T): void {
    const device = this.#units.get(unitId);
    if (!device) {
      cb({ modbusErrorCode: GATEWAY_TARGET_FAILED, msg: `no unit ${unitId}` });
      return;
    }
    let value: T;
    try {
      value = act(device);
    } catch (e) {
      if (e instanceof ModbusException) cb({ modbusErrorCode: e.modbusErrorCode, msg: e.message });
      else {
        this.#log.error({ err: (e as Error).message, unitId }, 'simulator device failure');
        cb({ modbusErrorCode: 0x04, msg: 'server device failure' });
      }
      return;
    }
    cb(null, value);
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function rawServer(server: ServerTCP): Server {
  return (server as unknown as { _server: Server })._server;
}
