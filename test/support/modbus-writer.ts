import type { DeviceWriter } from '../../gateway/src/acquisition/device-writer.js';
import { decodeRegisters, encodeRegisters, type ModbusDeviceConfig, type SiteConfig } from '../../gateway/src/config/index.js';
import { gatewayError } from '../../gateway/src/errors.js';
import { createModbusClient, type ModbusClient } from '../../gateway/src/transports/modbus-serial.js';

/**
 * A test-support DeviceWriter: writes a coil or holding register through a
 * real modbus-serial TCP client (its own connection, not the poller's) and
 * reads it back, so an e2e test proves a local action on a real Modbus
 * server. A mismatch is LL_ERR_ACTION_READBACK; I/O failures are
 * LL_ERR_MODBUS_IO (both transient, so the action retries).
 */
export class ModbusTestWriter implements DeviceWriter {
  readonly #devices: Map<string, ModbusDeviceConfig>;
  readonly #clients = new Map<string, ModbusClient>();

  constructor(site: SiteConfig) {
    this.#devices = new Map(site.devices.flatMap((d) => (d.transport === 'modbus' ? [[d.id, d] as const] : [])));
  }

  async writePoint(deviceId: string, pointId: string, value: number | boolean): Promise<void> {
    const device = this.#devices.get(deviceId);
    const register = device?.points.find((p) => p.id === pointId)?.register;
    if (!device || !register || device.modbus.framing === 'rtu') throw new Error(`no Modbus TCP point ${deviceId}/${pointId}`);
    const at = `${device.modbus.host}:${device.modbus.port}`;
    let read: number | boolean;
    try {
      const client = await this.#client(device);
      if (register.table === 'coil') {
        await client.writeCoil(register.address, value === true);
        read = (await client.readCoils(register.address, 1)).data[0] === true;
      } else {
        const words = encodeRegisters(register, value);
        await client.writeRegisters(register.address, words);
        read = decodeRegisters(register, (await client.readHoldingRegisters(register.address, words.length)).data);
      }
    } catch (e) {
      this.#clients.get(deviceId)?.close(() => {});
      this.#clients.delete(deviceId);
      throw gatewayError('LL_ERR_MODBUS_IO', 'write', at, device.modbus.unitId, e instanceof Error ? e.message : String(e));
    }
    if (read !== value) throw gatewayError('LL_ERR_ACTION_READBACK', value, deviceId, pointId, read);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
    this.#clients.clear();
  }

  async #client(device: ModbusDeviceConfig): Promise<ModbusClient> {
    const existing = this.#clients.get(device.id);
    if (existing?.isOpen) return existing;
    if (device.modbus.framing === 'rtu') throw new Error('serial links are not supported by the test writer');
    const client = createModbusClient();
    await client.connectTCP(device.modbus.host, { port: device.modbus.port });
    client.setID(device.modbus.unitId);
    client.setTimeout(device.modbus.timeoutMs);
    this.#clients.set(device.id, client);
    return client;
  }
}
