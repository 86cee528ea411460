import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { ModbusSerialLink } from '@lifeline/core';
import type { Logger } from 'pino';
import { SerialPort } from 'serialport';
import { simError } from '../errors.js';
import type { ModbusLineServer } from './modbus-server.js';

const SOCAT = '/usr/bin/socat';
const READY_TIMEOUT_MS = 5000;

/**
 * An RS-485 line emulated by a pseudo-terminal pair (socat): the client end
 * is linked at the site's `serialPort` path, the device end at
 * `<serialPort>.device`, where the simulator answers as the RTU slaves on the
 * line. The serial settings are applied to the device end as a real slave
 * would be configured.
 */
export class SerialLine {
  readonly path: string;
  readonly #link: ModbusSerialLink;
  readonly #log: Logger;
  #socat: ChildProcess | undefined;
  #port: SerialPort | undefined;

  constructor(link: ModbusSerialLink, log: Logger) {
    this.path = link.serialPort;
    this.#link = link;
    this.#log = log;
  }

  get devicePath(): string {
    return `${this.path}.device`;
  }

  async start(server: ModbusLineServer): Promise<void> {
    if (!existsSync(SOCAT)) throw simError('LL_ERR_SIM_SERIAL_LINE', this.path, `${SOCAT} not found`);
    const socat = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${this.devicePath}`, `pty,raw,echo=0,link=${this.path}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#socat = socat;
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(simError('LL_ERR_SIM_SERIAL_LINE', this.path, 'socat did not start')), READY_TIMEOUT_MS);
      socat.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('starting data transfer loop')) {
          clearTimeout(timer);
          resolve();
        }
      });
      socat.once('exit', (code) => {
        clearTimeout(timer);
        reject(simError('LL_ERR_SIM_SERIAL_LINE', this.path, `socat exited with ${code}: ${stderr.trim().split('\n').pop()}`));
      });
    });
    const { baudRate, parity, dataBits, stopBits } = this.#link;
    const port = new SerialPort({ path: this.devicePath, baudRate, parity, dataBits, stopBits, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((e) => (e ? reject(simError('LL_ERR_SIM_SERIAL_LINE', this.path, e.message)) : resolve())),
    );
    this.#port = port;
    server.serve(port);
    this.#log.info({ serialPort: this.path, baudRate }, `modbus rtu line ready: clients open ${this.path}`);
  }

  async stop(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    const socat = this.#socat;
    this.#socat = undefined;
    if (socat && socat.exitCode === null) {
      const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
      socat.kill('SIGTERM');
      await exited;
    }
    // socat removes its links on a clean exit; make sure, so a restart can link again.
    await Promise.all([this.path, this.devicePath].map((p) => unlink(p).catch(() => undefined)));
  }
}
