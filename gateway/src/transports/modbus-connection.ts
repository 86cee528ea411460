import type { Clock, ModbusLink } from '@lifeline/core';
import { createModbusClient, type ModbusClient } from './modbus-serial.js';

/**
 * One physical Modbus connection (a TCP host:port or a serial port) shared by
 * every unit id behind it. It runs one transaction at a time — a serial bus
 * cannot carry two, and many TCP gateways to RS-485 serialise anyway — and on
 * RTU lines keeps the 3.5-character silent interval between frames.
 */
const CONNECT_TIMEOUT_MS = 2000;

export class ModbusConnection {
  readonly key: string;
  readonly link: ModbusLink;
  readonly #clock: Clock;
  readonly #gapMs: number;
  #client: ModbusClient | undefined;
  #lastFrameEnd = 0;

  constructor(link: ModbusLink, clock: Clock) {
    this.link = link;
    this.key = connectionKey(link);
    this.#clock = clock;
    this.#gapMs = link.framing === 'rtu' ? interFrameGapMs(link.baudRate) : 0;
  }

  get isOpen(): boolean {
    return this.#client?.isOpen === true;
  }

  async open(): Promise<void> {
    await this.close();
    const client = createModbusClient();
    this.#client = client;
    // A failed connect leaves the socket half-made; close it before reporting.
    try {
      await openLink(client, this.link);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Runs one request/response exchange for `unitId`; the caller serialises calls. */
  async transact<T>(unitId: number, timeoutMs: number, exchange: (client: ModbusClient) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (!client?.isOpen) throw Object.assign(new Error('Port Not Open'), { errno: 'ECONNRESET' });
    await this.#silentInterval();
    client.setID(unitId);
    client.setTimeout(timeoutMs);
    try {
      return await exchange(client);
    } finally {
      this.#lastFrameEnd = this.#clock.now();
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    // close() waits for the peer; a link that never opened (or half-opened) is destroyed instead.
    if (client.isOpen) await new Promise<void>((resolve) => client.close(() => resolve()));
    else client.destroy(() => undefined);
  }

  async #silentInterval(): Promise<void> {
    if (this.#gapMs === 0) return;
    const wait = this.#lastFrameEnd + this.#gapMs - this.#clock.now();
    if (wait > 0) await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, Math.ceil(wait)));
  }
}

/** Devices whose links share this key share one connection and one scheduler. */
export function connectionKey(link: ModbusLink): string {
  if (link.framing === 'rtu') return `rtu://${link.serialPort}`;
  return `${link.framing === 'tcp' ? 'tcp' : 'rtu-over-tcp'}://${link.host}:${link.port}`;
}

/**
 * Modbus over Serial Line V1.02 §2.5.1.1: frames are separated by at least 3.5
 * character times (11 bits each: start, 8 data, parity or a second stop, stop);
 * above 19200 baud the spec fixes the interval at 1.75 ms.
 */
export function interFrameGapMs(baudRate: number): number {
  if (baudRate > 19_200) return 1.75;
  return (3.5 * 11 * 1000) / baudRate;
}

function openLink(client: ModbusClient, link: ModbusLink): Promise<void> {
  switch (link.framing) {
    case 'tcp':
      // Without a connect timeout a black-holed host holds the link for the OS's SYN retries (minutes).
      return client.connectTCP(link.host, { port: link.port, timeout: Math.max(link.timeoutMs, CONNECT_TIMEOUT_MS) });
    case 'rtu-over-tcp':
      // modbus-serial's "TcpRTUBuffered" port is MBAP; its Telnet port carries raw RTU frames with CRC over TCP.
      return client.connectTelnet(link.host, { port: link.port });
    case 'rtu':
      return client.connectRTUBuffered(link.serialPort, {
        baudRate: link.baudRate,
        parity: link.parity,
        dataBits: link.dataBits,
        stopBits: link.stopBits,
      });
  }
}
